// Starts the office console: runs the wasm, whose start function draws the
// console in place of index.html's placeholder. A file of its own, not an
// inline script: the intake's Content-Security-Policy runs scripts from its
// own origin only. `cargo xtask build-web` rewrites the module's name to the
// content-named one it builds.
import init from "./qingdan_console.js";

try {
  await init();
} catch (error) {
  console.error(error);
  document.body.textContent = "无法启动，请刷新重试。 / The console could not start; please reload.";
  throw error;
}
