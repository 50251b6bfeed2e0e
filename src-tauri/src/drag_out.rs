//! Dragging originals out of the window (issue 4, "drag files out"): a native drag session
//! carrying the files' URIs, so a file manager, a mail client or an editor receives the real
//! files. The UI starts it on a mouse press (its "Drag out" handles), while the button is still
//! down; GTK then owns the pointer until the drop.
//!
//! Linux only, through GTK (the window's toolkit). Paths become proper `file://` URIs
//! (`glib::filename_to_uri`), so names with spaces or accents survive. When the session ends
//! the window gets a `drag-out-ended` event ("dropped" or "cancelled") — the UI ignores drops
//! onto itself while a drag-out is in flight, so dragging a file back in never uploads it.

use std::path::PathBuf;

use tauri::{Emitter, WebviewWindow};

/// Starts the drag of `paths` with `icon` (a thumbnail) as its picture, on the main thread.
pub fn start(window: &WebviewWindow, paths: Vec<PathBuf>, icon: Option<PathBuf>) -> Result<(), String> {
    let target = window.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    window
        .run_on_main_thread(move || {
            let _ = tx.send(begin(&target, &paths, icon.as_deref()));
        })
        .map_err(|e| e.to_string())?;
    rx.recv().map_err(|e| e.to_string())?
}

#[cfg(target_os = "linux")]
fn begin(window: &WebviewWindow, paths: &[PathBuf], icon: Option<&std::path::Path>) -> Result<(), String> {
    use std::cell::RefCell;
    use std::rc::Rc;

    use gtk::gdk::{DragAction, ModifierType};
    use gtk::glib::SignalHandlerId;
    use gtk::prelude::*;

    let gtk_window = window.gtk_window().map_err(|e| e.to_string())?;
    let uris: Vec<String> = paths
        .iter()
        .map(|p| {
            gtk::glib::filename_to_uri(p, None)
                .map(|u| u.to_string())
                .map_err(|e| format!("{} can't be dragged: {e}", p.display()))
        })
        .collect::<Result<_, _>>()?;
    gtk_window.drag_source_set(ModifierType::BUTTON1_MASK, &[], DragAction::COPY);
    gtk_window.drag_source_add_uri_targets();
    let handlers: Rc<RefCell<Vec<SignalHandlerId>>> = Rc::default();
    handlers
        .borrow_mut()
        .push(gtk_window.connect_drag_data_get(move |_, _, data, _, _| {
            let refs: Vec<&str> = uris.iter().map(String::as_str).collect();
            data.set_uris(&refs);
        }));
    // `drop-performed` comes before the receiving app asks for the data, so the handlers stay
    // until `drag-end`, which GTK emits once everything (data included) is over.
    let dropped = Rc::new(std::cell::Cell::new(false));
    {
        let (source, all, window, dropped) = (
            gtk_window.clone(),
            handlers.clone(),
            window.clone(),
            dropped.clone(),
        );
        let end = gtk_window.connect_drag_end(move |_, _| {
            for h in all.borrow_mut().drain(..) {
                source.disconnect(h);
            }
            source.drag_source_unset();
            let outcome = if dropped.get() { "dropped" } else { "cancelled" };
            let _ = window.emit("drag-out-ended", outcome.to_string());
        });
        handlers.borrow_mut().push(end);
    }
    let give_up = |why: &str| {
        for h in handlers.borrow_mut().drain(..) {
            gtk_window.disconnect(h);
        }
        gtk_window.drag_source_unset();
        why.to_string()
    };
    let Some(targets) = gtk_window.drag_source_get_target_list() else {
        return Err(give_up("the window can't offer files to drag"));
    };
    let Some(context) = gtk_window.drag_begin_with_coordinates(&targets, DragAction::COPY, 1, None, -1, -1)
    else {
        return Err(give_up(
            "the drag could not start: press and hold the mouse button on the handle, then move",
        ));
    };
    if let Some(pixbuf) = icon.and_then(|p| gtk::gdk_pixbuf::Pixbuf::from_file_at_size(p, 96, 96).ok()) {
        context.drag_set_icon_pixbuf(&pixbuf, 0, 0);
    }
    context.connect_drop_performed(move |_, _| dropped.set(true));
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn begin(_: &WebviewWindow, _: &[PathBuf], _: Option<&std::path::Path>) -> Result<(), String> {
    Err("dragging files out is available on Linux for now".into())
}
