import { registry } from "@web/core/registry";

// A customer's contact looks at the farm's machines: filters the overdue
// service, searches, opens the tractor, sees its manual to download, and
// reports the hour meter (a lower reading is refused with a message first).
registry.category("web_tour.tours").add("customer_connect_portal_equipment", {
    url: "/my/equipment",
    steps: () => [
        {
            content: "Both machines of the farm are listed",
            trigger: ".o_connect_equipment_row:contains(Kubota) ~ .o_connect_equipment_row:contains(John Deere), .o_connect_equipment_row:contains(John Deere) ~ .o_connect_equipment_row:contains(Kubota)",
        },
        {
            content: "Show the machines whose service is overdue",
            trigger: ".o_connect_equipment_filters select[name=filterby]",
            run: "select service_overdue",
        },
        {
            content: "Only the mower is left, marked overdue",
            trigger: "body:not(:has(.o_connect_equipment_row:contains(John Deere))) .o_connect_equipment_row:contains(Kubota) .o_connect_service_overdue",
        },
        {
            content: "All machines again",
            trigger: ".o_connect_equipment_filters select[name=filterby]",
            run: "select all",
        },
        {
            content: "Search a serial number",
            trigger: ".o_connect_equipment_filters input[name=search]",
            run: "edit 912345",
        },
        {
            content: "Search",
            trigger: ".o_connect_equipment_filters button[type=submit]",
            run: "click",
        },
        {
            content: "Open the tractor",
            trigger: "body:not(:has(.o_connect_equipment_row:contains(Kubota))) .o_connect_equipment_row a:contains(John Deere)",
            run: "click",
        },
        {
            content: "Its manual is there to download",
            trigger: ".o_connect_equipment_documents a.o_connect_equipment_document:contains(Operator manual.pdf)[href*='/documents/']",
        },
        {
            content: "Type a reading lower than the last one",
            trigger: ".o_connect_hours_form input[name=hours]",
            run: "edit 1100",
        },
        {
            content: "Send it",
            trigger: ".o_connect_hours_form button[type=submit]",
            run: "click",
        },
        {
            content: "Refused, with the reason",
            trigger: ".o_connect_hours_error:contains(cannot be lower)",
        },
        {
            content: "Type the right reading",
            trigger: ".o_connect_hours_form input[name=hours]",
            run: "edit 1300",
        },
        {
            content: "Send it",
            trigger: ".o_connect_hours_form button[type=submit]",
            run: "click",
        },
        {
            content: "Recorded",
            trigger: ".o_connect_hours_saved",
        },
        {
            content: "The new reading shows",
            trigger: ".o_connect_equipment_hours:contains(1,300.0)",
        },
    ],
});
