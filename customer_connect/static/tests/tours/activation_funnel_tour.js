import { registry } from "@web/core/registry";

// Dealer staff open the Activation Funnel: a week whose invitations all
// activated shows its hours; a week without any activation (or payment)
// shows no hours at all, not "0.0".
registry.category("web_tour.tours").add("customer_connect_activation_funnel", {
    steps: () => [
        {
            content: "The week with an activation shows its median",
            trigger:
                ".o_list_view .o_data_row:has(td[name=week]:contains(2026-W10)) td[name=hours_to_activate_median]:contains(24.0)",
        },
        {
            content: "The week with no activation shows no median",
            trigger:
                ".o_list_view .o_data_row:has(td[name=week]:contains(2026-W11)) td[name=hours_to_activate_median]:empty",
        },
        {
            content: "nor an average",
            trigger:
                ".o_list_view .o_data_row:has(td[name=week]:contains(2026-W11)) td[name=hours_to_activate_avg]:empty",
        },
        {
            content: "and no hours to a payment that never came, in either week",
            trigger:
                ".o_list_view .o_data_row:has(td[name=week]:contains(2026-W10)) td[name=hours_to_pay_median]:empty",
        },
    ],
});
