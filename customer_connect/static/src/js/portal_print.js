/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";

// Print: the document's PDF is loaded in a hidden frame and the browser's
// print dialog opens on it, as the dealer systems' print icon does; the
// link itself still opens the PDF where a browser cannot print a frame.
publicWidget.registry.ConnectPrintDocument = publicWidget.Widget.extend({
    selector: ".o_connect_activity_documents",
    events: {
        "click a.o_connect_print": "_onPrint",
    },

    _onPrint(ev) {
        const url = ev.currentTarget.getAttribute("href");
        if (!url) {
            return;
        }
        ev.preventDefault();
        document.querySelectorAll("iframe.o_connect_print_frame").forEach((frame) => frame.remove());
        const frame = document.createElement("iframe");
        frame.className = "o_connect_print_frame";
        frame.setAttribute("aria-hidden", "true");
        frame.style.position = "fixed";
        frame.style.width = "0";
        frame.style.height = "0";
        frame.style.border = "0";
        frame.addEventListener("load", () => {
            try {
                frame.contentWindow.focus();
                frame.contentWindow.print();
            } catch {
                window.open(url, "_blank");
            }
        });
        frame.src = url;
        document.body.appendChild(frame);
    },
});
