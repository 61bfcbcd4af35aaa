//! Files on an item or a finding: 拍照 and 添加照片/文件 while the
//! assessment is a draft, a thumbnail for each file kept, a viewer, and
//! removal before signing.

use std::rc::Rc;

use qingdan_core::attachments::Attachment;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_ctx;
use crate::hooks::use_file_url;
use crate::i18n::T;
use crate::services;
use crate::state::fill::{Change, Edit, OnEdit};

/// Where the files go, and what the assessment has.
#[derive(Properties, PartialEq)]
pub struct FilesProps {
    /// The assessment's id.
    pub assessment: AttrValue,
    /// The item.
    pub item: AttrValue,
    /// The finding, when the files are on one.
    #[prop_or_default]
    pub finding: Option<AttrValue>,
    /// Every file of the assessment.
    pub all: Rc<Vec<Attachment>>,
    /// Signed (or being signed): no file is added or taken off.
    pub locked: bool,
    /// Where the changes go.
    pub on_edit: OnEdit,
}

/// The files on one item (or finding), and the buttons that add more.
#[function_component]
pub fn Files(props: &FilesProps) -> Html {
    let ctx = use_ctx();
    let problem = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let finding = props.finding.as_ref().map(|f| f.to_string());
    let here: Vec<&Attachment> = props
        .all
        .iter()
        .filter(|a| *a.item == *props.item && a.finding == finding)
        .collect();
    let onchange = {
        let (ctx, problem, busy) = (ctx.clone(), problem.clone(), busy.clone());
        let (assessment, item, finding) = (
            props.assessment.clone(),
            props.item.clone(),
            finding.clone(),
        );
        let (all, on_edit) = (props.all.clone(), props.on_edit.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(chosen) = input.files() else { return };
            let (ctx, problem, busy) = (ctx.clone(), problem.clone(), busy.clone());
            let (assessment, item, finding) = (assessment.clone(), item.clone(), finding.clone());
            let (mut kept, on_edit) = ((*all).clone(), on_edit.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let mut said = None;
                for file in (0..chosen.length()).filter_map(|i| chosen.get(i)) {
                    let bytes = match JsFuture::from(file.array_buffer()).await {
                        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                        Err(e) => {
                            said = Some(crate::js_error_text(&e));
                            break;
                        }
                    };
                    let to = (assessment.as_str(), kept.as_slice());
                    match services::attach(&ctx, to, &item, finding.as_deref(), &file.name(), bytes)
                        .await
                    {
                        Ok(entry) => {
                            kept.push(entry.clone());
                            on_edit.emit((Change::Attach(entry), Edit::Now));
                        }
                        Err(why) => {
                            said = Some(why);
                            break;
                        }
                    }
                }
                input.set_value("");
                busy.set(false);
                problem.set(said);
            });
        })
    };
    let t = |k: T| ctx.t(k);
    let place = match &props.finding {
        Some(f) => format!("{}-{f}", props.item),
        None => props.item.to_string(),
    };
    let thumbs = here.into_iter().map(|file| {
        let remove = (!props.locked).then(|| {
            let (ctx, assessment, file, all, on_edit) =
                (ctx.clone(), props.assessment.clone(), file.clone(), props.all.clone(), props.on_edit.clone());
            Callback::from(move |_| {
                on_edit.emit((Change::Detach(file.id.clone()), Edit::Now));
                let rest: Vec<Attachment> = all.iter().filter(|a| a.id != file.id).cloned().collect();
                let (ctx, assessment, sha256) = (ctx.clone(), assessment.clone(), file.sha256.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    services::forget_file(&ctx, &assessment, &sha256, &rest).await;
                });
            })
        });
        html! { <Thumb key={file.id.clone()} assessment={props.assessment.clone()} file={file.clone()} {remove} /> }
    });
    html! {
        <div class="files" data-testid={format!("files-{place}")}>
            <ul class="thumbs">{ for thumbs }</ul>
            if !props.locked {
                <div class="file-buttons no-print">
                    <label class="button">{ t(T::TakePhoto) }
                        <input type="file" accept="image/*" capture="environment" hidden=true
                            disabled={*busy} onchange={onchange.clone()} data-testid={format!("take-photo-{place}")} />
                    </label>
                    <label class="button">{ t(T::AddFile) }
                        <input type="file" accept="image/jpeg,image/png,image/webp,application/pdf" multiple=true hidden=true
                            disabled={*busy} {onchange} data-testid={format!("add-file-{place}")} />
                    </label>
                    if *busy { <span class="muted" role="status">{ t(T::Attaching) }</span> }
                </div>
            }
            if let Some(why) = &*problem {
                <p class="problem" role="alert" data-testid="file-problem">{ why }</p>
            }
        </div>
    }
}

/// One file's thumbnail.
#[derive(Properties, PartialEq)]
struct ThumbProps {
    assessment: AttrValue,
    file: Attachment,
    /// Takes it off (while a draft).
    remove: Option<Callback<MouseEvent>>,
}

/// A photo's thumbnail, which opens it large, or a PDF's tile, which opens
/// it in a tab of its own; and 移除 while a draft.
#[function_component]
fn Thumb(props: &ThumbProps) -> Html {
    let ctx = use_ctx();
    let url = use_file_url(props.assessment.clone(), props.file.clone());
    let open = use_state(|| false);
    let file = &props.file;
    let photo = file.media_type.starts_with("image/");
    let shown = match (&url, photo) {
        (Some(url), true) => {
            let show = {
                let open = open.clone();
                Callback::from(move |_| open.set(true))
            };
            html! { <button type="button" class="thumb" onclick={show} title={file.name.clone()}><img src={url.clone()} alt={file.name.clone()} /></button> }
        }
        (Some(url), false) => html! {
            <a class="thumb pdf" href={url.clone()} target="_blank" rel="noopener" title={file.name.clone()}>{ "PDF" }</a>
        },
        (None, _) => html! { <span class="thumb missing">{ "…" }</span> },
    };
    let viewer = (*open).then(|| {
        let close = { let open = open.clone(); Callback::from(move |_| open.set(false)) };
        html! {
            <div class="viewer" role="dialog" aria-label={file.name.clone()} onclick={close.clone()} data-testid="file-viewer">
                <img src={url.clone().unwrap_or_default()} alt={file.name.clone()} />
                <button type="button" onclick={close}>{ ctx.t(T::CloseViewer) }</button>
            </div>
        }
    });
    html! {
        <li class="file" data-testid="file" data-sha256={file.sha256.clone()} data-media-type={file.media_type.clone()}
            data-size={file.size.to_string()} data-shown={url.is_some().to_string()}>
            { shown }
            <span class="name">{ &file.name }</span>
            if let Some(remove) = &props.remove {
                <button type="button" class="link" onclick={remove.clone()} data-testid="remove-file">{ ctx.t(T::RemoveFile) }</button>
            }
            { for viewer }
        </li>
    }
}
