import { registry } from "@web/core/registry";

// The contact turns autopay on with its saved demo card, a maximum and
// "on the last day of the early-payment discount", sees it on; then turns it
// off.
registry.category("web_tour.tours").add("customer_connect_autopay_on_off", {
    url: "/my/autopay",
    steps: () => [
        {
            content: "The saved demo card is offered",
            trigger: "#autopay_token_id:contains(4242)",
        },
        {
            content: "A maximum per charge",
            trigger: "#autopay_max_amount",
            run: "edit 750",
        },
        {
            content: "Charge on the last day of the early-payment discount",
            trigger: "#autopay_timing_discount",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_connect_autopay_turn_on",
            run: "click",
        },
        {
            content: "Autopay is on, with the maximum and the timing chosen",
            trigger:
                ".o_connect_autopay_on:contains(750.00):contains(last day of the early-payment discount)",
        },
        {
            content: "The invoice it will charge next",
            trigger: ".o_connect_autopay_next:contains(Next charge)",
        },
        {
            content: "Turn it off",
            trigger: ".o_connect_autopay_turn_off",
            run: "click",
        },
        {
            content: "Autopay is off",
            trigger: ".o_connect_autopay_saved:contains(Autopay is off)",
        },
        {
            content: "Nothing on any more",
            trigger: "body:not(:has(.o_connect_autopay_on))",
        },
    ],
});
