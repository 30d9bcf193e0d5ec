import { registry } from "@web/core/registry";

const CSV = "Account,Name,Town\n00555,Tour Farm,Ayr\n";

// A service manager uploads a Gold customer export, dry-runs it (nothing
// written, one row to create), then imports it from the dry run's log.
registry.category("web_tour.tours").add("customer_connect_dms_import", {
    url: "/odoo/action-customer_connect_dms.action_dms_import_runs",
    steps: () => [
        {
            // Customer Connect's menu has many sections: on a narrow screen
            // the navbar folds the last ones (DMS among them) under "More"
            content: "Open the DMS menu, or the navbar's More menu holding it",
            trigger: ".o_main_navbar .o_menu_sections",
            run() {
                const dms = document.querySelector(
                    ".o_menu_sections button[data-menu-xmlid='customer_connect_dms.menu_dms_imports']"
                );
                (dms || document.querySelector(".o_menu_sections_more button")).click();
            },
        },
        {
            content: "Import from the DMS",
            trigger: ".dropdown-item[data-menu-xmlid='customer_connect_dms.menu_dms_import_wizard']",
            run: "click",
        },
        {
            content: "The Gold customers profile is proposed",
            trigger: ".modal .o_field_widget[name=profile_id] input:value(Ibcos Gold-like: customers)",
        },
        {
            content: "Upload the export",
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const input = this.anchor.querySelector("input[type=file]");
                const file = new File([CSV], "tour-customers.csv", { type: "text/csv" });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded",
            trigger: ".modal .o_field_widget[name=file] input.o_input:value(tour-customers.csv)",
        },
        {
            content: "Dry run",
            trigger: ".modal button[name=action_dry_run]",
            run: "click",
        },
        {
            content: "The dry run says what would happen",
            trigger: ".o_form_view .o_field_widget[name=message]:contains(1 to create)",
        },
        {
            content: "The row to create is listed",
            trigger: ".o_form_view .o_field_widget[name=line_ids] td:contains(00555)",
        },
        {
            content: "Import this file",
            trigger: ".o_form_view button[name=action_import_now]",
            run: "click",
        },
        {
            content: "Imported",
            trigger: ".o_form_view .o_field_widget[name=message]:contains(1 created)",
        },
    ],
});
