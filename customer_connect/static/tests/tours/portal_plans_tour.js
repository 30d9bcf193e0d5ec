import { registry } from "@web/core/registry";

// The third instalment's amount as the form proposed it, put back after
// the refusal (kept in the tab's session storage: the form is posted, the
// page loaded again)
const PROPOSED_KEY = "customer_connect_plan_tour_last_amount";

// A customer's contact asks to pay a large invoice in instalments from
// Customer Activity: the form proposes three; the contact changes the last
// amount so that they no longer add up, is told so with what it typed
// kept, puts it right and asks; the plan's page says it is asked.
registry.category("web_tour.tours").add("customer_connect_portal_plan", {
    url: "/my/activity",
    steps: () => [
        {
            content: "Pay the tractor invoice in instalments",
            trigger: ".o_connect_activity_row:contains(Tractor on plan) a.o_connect_plan_row_link",
            run: "click",
        },
        {
            content: "Three instalments are proposed; note the last amount",
            trigger: "form.o_connect_plan_form tr.o_connect_plan_row:nth-child(3) input[name=amount]",
            run() {
                sessionStorage.setItem(PROPOSED_KEY, this.anchor.value);
            },
        },
        {
            content: "A last amount that does not add up",
            trigger: "form.o_connect_plan_form tr.o_connect_plan_row:nth-child(3) input[name=amount]",
            run: "edit 1.00",
        },
        {
            content: "A note for the dealer",
            trigger: "textarea[name=note]",
            run: "edit Harvest pays in the autumn.",
        },
        {
            content: "Ask",
            trigger: "button.o_connect_plan_submit",
            run: "click",
        },
        {
            content: "Told what is wrong",
            trigger: ".o_connect_plan_error:contains(must add up to)",
        },
        {
            content: "What was typed is kept: the amount",
            trigger: "form.o_connect_plan_form tr.o_connect_plan_row:nth-child(3) input[name=amount][value='1.00']",
        },
        {
            content: "What was typed is kept: the note",
            trigger: "textarea[name=note]",
            run() {
                if (this.anchor.value !== "Harvest pays in the autumn.") {
                    throw new Error(`The note typed was lost: "${this.anchor.value}"`);
                }
            },
        },
        {
            content: "Put the last amount right",
            trigger: "form.o_connect_plan_form tr.o_connect_plan_row:nth-child(3) input[name=amount]",
            run(helpers) {
                return helpers.edit(sessionStorage.getItem(PROPOSED_KEY));
            },
        },
        {
            content: "Ask again",
            trigger: "button.o_connect_plan_submit",
            run: "click",
        },
        {
            content: "The plan is asked",
            trigger: ".o_connect_plan_asked",
        },
        {
            content: "Its state: Asked",
            trigger: ".o_connect_plan_state:contains(Asked)",
        },
    ],
});
