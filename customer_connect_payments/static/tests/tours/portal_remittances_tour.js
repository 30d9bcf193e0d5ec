import { registry } from "@web/core/registry";

// The remittance file the customer's bookkeeping exported: its purchase
// order reference, a line with a reference the dealer does not know (its
// amount is one invoice's), and a line that matches nothing.
const REMITTANCE_CSV = [
    "Invoice No,Amount paid",
    "GA-PO-7781,340.50",
    "THEIR-REF-1,99.99",
    "THEIR-REF-3,12.00",
].join("\r\n");

function isoToday() {
    const day = new Date();
    const pad = (number) => String(number).padStart(2, "0");
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

// A customer's contact sends a remittance advice with a CSV file and sees
// how each line was matched: by reference, by amount, or to nothing.
registry.category("web_tour.tours").add("customer_connect_portal_remittance", {
    url: "/my/remittances",
    steps: () => [
        {
            content: "Send a remittance advice",
            trigger: "a.o_connect_remittance_new",
            run: "click",
        },
        {
            content: "The day of the bank transfer",
            trigger: "input[name=transfer_date]",
            run() {
                this.anchor.value = isoToday();
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Its total",
            trigger: "input[name=transfer_amount]",
            run: "edit 452.49",
        },
        {
            content: "The bank's reference",
            trigger: "input[name=payer_reference]",
            run: "edit BACS 5521",
        },
        {
            content: "Choose the remittance file",
            trigger: "input[name=remittance_file]",
            run() {
                const file = new File([REMITTANCE_CSV], "remittance.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send",
            trigger: "button.o_connect_remittance_send",
            run: "click",
        },
        {
            content: "Sent",
            trigger: ".o_connect_remittance_sent",
        },
        {
            content: "The purchase order's line is matched to its invoice, open",
            trigger: ".o_connect_remittance_line:contains(GA-PO-7781):contains(INV/) .o_connect_remittance_invoice_state:contains(Open)",
        },
        {
            content: "The unknown reference is matched by its amount",
            trigger: ".o_connect_remittance_line:contains(THEIR-REF-1):contains(INV/)",
        },
        {
            content: "The last line matches nothing, and says so",
            trigger: ".o_connect_remittance_line:contains(THEIR-REF-3):contains(Matches nothing)",
        },
    ],
});
