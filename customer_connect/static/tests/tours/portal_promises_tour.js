import { registry } from "@web/core/registry";

// A day `days` from today, as a date input takes it (YYYY-MM-DD).
function isoDay(days) {
    const day = new Date();
    day.setDate(day.getDate() + days);
    const pad = (number) => String(number).padStart(2, "0");
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

// A customer's contact promises to pay from Customer Activity: ticks two
// open invoices in the list, promises to pay them (the promise form comes
// with both ticked), gives a date a week ahead and an amount, and finds the
// promise listed, open.
registry.category("web_tour.tours").add("customer_connect_portal_promise", {
    url: "/my/activity",
    steps: () => [
        {
            content: "Tick the invoice for the baler twine",
            trigger: ".o_connect_activity_row:contains(Baler twine) input[type=checkbox]",
            run: "click",
        },
        {
            content: "Tick the invoice for the grease",
            trigger: ".o_connect_activity_row:contains(Grease) input[type=checkbox]",
            run: "click",
        },
        {
            content: "Promise to pay the selected",
            trigger: "button.o_connect_promise_selected",
            run: "click",
        },
        {
            content: "The promise form, both invoices ticked",
            trigger: "form.o_connect_promise_form:not(:has(input[name=invoice_ids]:not(:checked)))",
        },
        {
            content: "Pay by: a week from today",
            trigger: "input[name=date_promised]",
            run() {
                this.anchor.value = isoDay(7);
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "How much",
            trigger: "input[name=amount]",
            run: "edit 250.00",
        },
        {
            content: "Promise",
            trigger: "button.o_connect_promise_submit",
            run: "click",
        },
        {
            content: "The promise is noted",
            trigger: ".o_connect_promise_made",
        },
        {
            content: "It is listed, open, for 250.00",
            trigger: ".o_connect_promise_row:contains(250.00) .o_connect_promise_state:contains(Open)",
        },
    ],
});
