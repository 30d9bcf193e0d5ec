import { registry } from "@web/core/registry";

// A customer's contact disputes an overdue invoice from Customer Activity:
// picks a reason, says what is wrong, raises it, and finds it under
// Disputes; the invoice shows "in dispute" in the activity list.
registry.category("web_tour.tours").add("customer_connect_portal_dispute", {
    url: "/my/activity",
    steps: () => [
        {
            content: "Dispute the invoice for the blades",
            trigger: ".o_connect_activity_row:contains(Blades for dispute) a.o_connect_raise_dispute",
            run: "click",
        },
        {
            content: "Choose a reason",
            trigger: "select[name=reason_id]",
            run: "selectByLabel Price or discount not as agreed",
        },
        {
            content: "Say what is wrong",
            trigger: "textarea[name=message]",
            run: "edit We agreed 10% off these blades, the invoice gives 5%.",
        },
        {
            content: "Raise it",
            trigger: "button.o_connect_dispute_submit",
            run: "click",
        },
        {
            content: "The dispute is raised; its page shows the conversation",
            trigger: ".o_connect_dispute_raised",
        },
        {
            content: "The customer's message opens the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(We agreed 10% off)",
        },
        {
            content: "Back to the list of disputes",
            trigger: ".breadcrumb a[href='/my/disputes']",
            run: "click",
        },
        {
            content: "The dispute is listed, open",
            trigger: ".o_connect_dispute_row:contains(Price or discount not as agreed) .o_connect_dispute_state:contains(Open)",
        },
        {
            content: "Customer Activity",
            trigger: "a[href='/my/home'], a[href='/my']",
            run: () => {
                window.location.href = "/my/activity";
            },
        },
        {
            content: "The invoice shows in dispute, no longer offered to dispute",
            trigger: ".o_connect_activity_row:contains(Blades for dispute) .o_connect_in_dispute",
        },
    ],
});
