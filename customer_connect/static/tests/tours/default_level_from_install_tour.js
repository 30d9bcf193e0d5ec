import { registry } from "@web/core/registry";

// After the install on a running Odoo, the dealer picks the company's default
// access level in Settings; Settings offers to give it to the contacts whose
// logins existed before the install and are still on the level it gave them.
registry.category("web_tour.tours").add("customer_connect_default_level_from_install", {
    steps: () => [
        {
            content: "Nothing to apply while no default is picked (Full access, the install's)",
            trigger:
                ".o_form_view:not(:has(button[name=action_connect_apply_default_level])) div[name=connect_default_access_level_id] input",
        },
        {
            content: "Pick Accounts payable as the company's default level",
            trigger: "div[name=connect_default_access_level_id] input",
            run: "edit Accounts payable",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Accounts payable)",
            run: "click",
        },
        {
            content: "Settings counts the two contacts on the previous default",
            trigger: "div[name=connect_level_from_install_count]:contains(2)",
        },
        {
            content: "Save the settings",
            trigger: "button.o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the offer stays",
            trigger:
                ".o_control_panel:not(:has(.o_dirty_warning)) ~ * div[name=connect_level_from_install_count]:contains(2)",
        },
        {
            content: "Apply this default to them",
            trigger: "button[name=action_connect_apply_default_level]",
            run: "click",
        },
        {
            content: "Applied: nobody left on the previous default",
            trigger:
                ".o_form_view:not(:has(button[name=action_connect_apply_default_level])) div[name=connect_default_access_level_id] input:value(Accounts payable)",
        },
    ],
});
