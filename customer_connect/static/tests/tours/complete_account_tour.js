import { registry } from "@web/core/registry";

// A customer's contact follows the "Complete My Account" link of the
// invitation e-mail, chooses a password and lands logged in on the portal.
registry.category("web_tour.tours").add("customer_connect_complete_account", {
    steps: () => [
        {
            content: "The login is the invited e-mail, read-only",
            trigger: "input[name=login][readonly]:value(accounts@greenacres.example)",
        },
        {
            content: "Choose a password",
            trigger: "input[name=password]",
            run: "edit Greenacres-2026",
        },
        {
            content: "Confirm it",
            trigger: "input[name=confirm_password]",
            run: "edit Greenacres-2026",
        },
        {
            content: "Complete the account",
            trigger: "form.oe_signup_form button[type=submit]",
            run: "click",
        },
        {
            content: "Logged in on the customer portal: Customer Activity",
            trigger: ".o_connect_activity_filters",
        },
    ],
});
