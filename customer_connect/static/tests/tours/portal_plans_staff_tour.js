import { registry } from "@web/core/registry";

// Dealer staff answer an instalment plan from its form (Customer Connect >
// Instalment plans): Accept, confirm that the invoice is posted again with
// the instalments, and the plan shows Accepted.
registry.category("web_tour.tours").add("customer_connect_plan_accept", {
    steps: () => [
        {
            content: "The plan asked by the customer, its instalments listed",
            trigger: ".o_form_view .o_field_statusbar button[aria-checked=true]:contains(Asked)",
        },
        {
            content: "Accept",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_accept]",
            run: "click",
        },
        {
            content: "Confirm: the invoice is posted again with these instalments",
            trigger: ".modal:contains(posted again under its number) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The plan is accepted",
            trigger: ".o_form_view .o_field_statusbar button[aria-checked=true]:contains(Accepted)",
        },
        {
            content: "and cannot be answered again",
            trigger: ".o_form_view:not(:has(button[name=action_accept]))",
        },
    ],
});
