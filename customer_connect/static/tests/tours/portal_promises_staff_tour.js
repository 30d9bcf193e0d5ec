import { registry } from "@web/core/registry";

// Dealer staff cancel an open promise from its form (Customer Connect >
// Promises to pay): the customer withdrew it, its invoices come back into
// reminders.
registry.category("web_tour.tours").add("customer_connect_promise_cancel", {
    steps: () => [
        {
            content: "The promise is open",
            trigger: ".o_form_view .o_field_statusbar button[aria-checked=true]:contains(Open)",
        },
        {
            content: "Cancel the promise",
            trigger: ".o_form_view button[name=action_cancel]",
            run: "click",
        },
        {
            content: "Confirm: its invoices come back into reminders",
            trigger: ".modal:contains(come back into reminders) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "It is cancelled",
            trigger: ".o_form_view .o_field_statusbar button[aria-checked=true]:contains(Cancelled)",
        },
        {
            content: "and cannot be cancelled again",
            trigger: ".o_form_view:not(:has(button[name=action_cancel]))",
        },
    ],
});
