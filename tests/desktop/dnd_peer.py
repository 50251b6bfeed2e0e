#!/usr/bin/python3
"""Another app for the desktop test's drag and drop: a small GTK window on the same display.

  dnd_peer.py target X Y OUT   accepts a drop of files and writes their URIs to OUT, then quits
  dnd_peer.py source X Y FILE  offers FILE to be dragged (press in the window and drag)

It stands in for a file manager or a mail client: the drag it receives from Atelier, or gives to
it, is a real X11 drag-and-drop session between two processes.
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import GLib, Gdk, Gtk  # noqa: E402

mode, x, y, arg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
win = Gtk.Window(title=f"dnd-peer-{mode}")
win.set_default_size(120, 120)
win.move(x, y)
win.connect("destroy", Gtk.main_quit)
uri_targets = [Gtk.TargetEntry.new("text/uri-list", 0, 0)]

if mode == "target":
    def received(widget, context, _x, _y, data, _info, time):
        uris = data.get_uris() or []
        with open(arg, "w") as f:
            f.write("\n".join(uris) + "\n")
        Gtk.drag_finish(context, bool(uris), False, time)
        GLib.timeout_add(200, Gtk.main_quit)

    win.drag_dest_set(Gtk.DestDefaults.ALL, uri_targets, Gdk.DragAction.COPY)
    win.connect("drag-data-received", received)
else:
    uri = GLib.filename_to_uri(arg, None)

    def data_get(widget, context, data, _info, _time):
        data.set_uris([uri])

    win.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, uri_targets, Gdk.DragAction.COPY)
    win.connect("drag-data-get", data_get)
    win.connect("drag-end", lambda *a: GLib.timeout_add(500, Gtk.main_quit))

win.show_all()
GLib.timeout_add_seconds(60, Gtk.main_quit)  # never outlive the test
print("ready", flush=True)
Gtk.main()
