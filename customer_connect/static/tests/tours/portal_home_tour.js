import { registry } from "@web/core/registry";

// A contact signs in through the login form and lands on Customer Activity,
// its home; Odoo's tiles are one click away; Odoo's "Your Invoices" opens
// with an invoice inside its early-payment discount; the profile is saved
// with a field left wrong (its message, what was typed kept), then right.
registry.category("web_tour.tours").add("customer_connect_portal_home", {
    url: "/web/login",
    steps: () => [
        {
            content: "Login",
            trigger: "input#login",
            run: "edit accounts@greenacres.example",
        },
        {
            content: "Password",
            trigger: "input#password",
            run: "edit Greenacres-2026",
        },
        {
            content: "Sign in",
            trigger: "form.oe_login_form button[type=submit]",
            run: "click",
        },
        {
            content: "Home is Customer Activity",
            trigger: ".o_connect_activity_filters",
        },
        {
            content: "The dealer in the footer, not Odoo",
            trigger: ".o_connect_dealer_footer",
        },
        {
            content: "Odoo's tiles, one click away",
            trigger: "a.o_connect_all_tiles[href='/my/home']",
            run: "click",
        },
        {
            content: "Customer Activity is the first tile",
            trigger: "#portal_client_category > .o_portal_index_card:first-child a[href='/my/activity']",
        },
        {
            content: "Odoo's Your Invoices",
            trigger: "body",
            run: "goToUrl /my/invoices",
        },
        {
            content: "It lists the invoice inside its discount",
            trigger: ".o_portal_my_doc_table a:contains(INV)",
        },
        {
            content: "The profile",
            trigger: "body",
            run: "goToUrl /my/account",
        },
        {
            content: "A new street",
            trigger: "input[name=street]",
            run: "edit Mains of Greenacres",
        },
        {
            content: "The phone left empty",
            trigger: "input[name=phone]",
            run: "clear",
        },
        {
            content: "Save",
            trigger: "form[action='/my/account'] button[type=submit]",
            run: "click",
        },
        {
            content: "The phone's own message",
            trigger: ".alert-danger:contains(Enter your phone number.)",
        },
        {
            content: "What was typed is kept",
            trigger: "input[name=street][value='Mains of Greenacres']",
        },
        {
            content: "The phone, right this time",
            trigger: "input[name=phone].is-invalid",
            run: "edit 01467 620 111",
        },
        {
            content: "Save again",
            trigger: "form[action='/my/account'] button[type=submit]",
            run: "click",
        },
        {
            content: "Saved: back home, on Customer Activity",
            trigger: ".o_connect_activity_filters",
        },
    ],
});
