/* A stand-in for Windows' bcryptprimitives.dll, for trying qingdan.exe
 * under wine 8.0, which lacks it (Windows 10 and later have it; Rust's
 * standard library takes its random numbers from its ProcessPrng). Used
 * only by `cargo xtask dist --windows` in its smoke folder; never packed. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
