import { registry } from "@web/core/registry";

// What the browser gets when a contact downloads: a PDF file, named after
// the document, holding the document's reference. The tour fetches exactly
// the link (or form) the contact would click and reads the answer.
async function fetchDocument(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    const text = await response.text();
    return {
        ok: response.ok,
        type: response.headers.get("Content-Type") || "",
        disposition: decodeURIComponent(response.headers.get("Content-Disposition") || ""),
        text,
    };
}

function expect(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

registry.category("web_tour.tours").add("customer_connect_portal_download", {
    url: "/my/activity",
    steps: () => [
        {
            content: "The invoice is listed with its download icon",
            trigger: ".o_connect_activity_row:contains(Baler twine) a.o_connect_download",
            async run() {
                const link = this.anchor;
                const name = link.closest("tr").querySelector(".o_connect_reference").textContent.trim();
                const file = await fetchDocument(link.getAttribute("href"));
                expect(file.ok, "the invoice downloads");
                expect(file.type.includes("application/pdf"), `a PDF, not ${file.type}`);
                expect(file.disposition.startsWith("attachment"), "saved, not shown");
                expect(file.disposition.includes(name.replaceAll("/", "_")), `named after ${name}: ${file.disposition}`);
                expect(file.text.includes(name), `the file holds ${name}`);
            },
        },
        {
            content: "Print opens the PDF in a frame for the print dialog",
            trigger: ".o_connect_activity_row:contains(Baler twine) a.o_connect_print",
            run: "click",
        },
        {
            content: "The print frame loads the invoice's PDF",
            trigger: "iframe.o_connect_print_frame[src*='report_type=pdf']:not(:visible)",
        },
        {
            content: "Go to the statement of account",
            trigger: "body",
            run: "goToUrl /my/statement",
        },
        {
            content: "Download the statement of open items",
            trigger: "form.o_connect_statement_form button[type=submit]",
            async run() {
                const form = this.anchor.closest("form");
                const query = new URLSearchParams(new FormData(form)).toString();
                const file = await fetchDocument(`${form.getAttribute("action")}?${query}`);
                expect(file.ok, "the statement downloads");
                expect(file.type.includes("application/pdf"), `a PDF, not ${file.type}`);
                expect(file.disposition.includes("Statement 90001"), `named after the account: ${file.disposition}`);
                expect(file.text.includes("Greenacres Farm"), "the statement is the customer's");
                expect(file.text.includes("Baler twine") || file.text.includes("INV/"), "it lists the open invoice");
            },
        },
    ],
});
