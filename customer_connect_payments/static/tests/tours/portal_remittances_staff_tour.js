import { registry } from "@web/core/registry";

// Dealer staff confirm a customer's remittance advice in one click against
// the bank statement line it proposes (Customer Connect > Remittances).
registry.category("web_tour.tours").add("customer_connect_remittance_confirm", {
    steps: () => [
        {
            content: "The remittance waits to be matched",
            trigger: ".o_form_view .o_field_statusbar button[aria-checked=true]:contains(Waiting to be matched)",
        },
        {
            content: "Confirm the match",
            trigger: ".o_form_view button[name=action_connect_confirm]",
            run: "click",
        },
        {
            content: "It is matched",
            trigger: ".o_form_view .o_field_statusbar button[aria-checked=true]:contains(Matched)",
        },
        {
            content: "and cannot be confirmed again",
            trigger: ".o_form_view:not(:has(button[name=action_connect_confirm]))",
        },
    ],
});
