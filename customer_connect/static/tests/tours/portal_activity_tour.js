import { registry } from "@web/core/registry";

// A customer's contact works the Customer Activity list: History shows the
// settled invoice, the type filter keeps credit notes, a column sorts, the
// search finds an invoice by its description.
registry.category("web_tour.tours").add("customer_connect_portal_activity", {
    url: "/my/activity",
    steps: () => [
        {
            content: "Current documents: the open invoice, not the settled one",
            trigger: ".o_connect_activity_row:contains(Mower blades)",
        },
        {
            content: "Show the History (settled documents)",
            trigger: ".o_connect_activity_filters select[name=status]",
            run: "select history",
        },
        {
            content: "The settled invoice is there, the open one is not",
            trigger: "body:not(:has(.o_connect_activity_row:contains(Mower blades))) .o_connect_activity_row.o_connect_type_invoice",
        },
        {
            content: "All documents",
            trigger: ".o_connect_activity_filters select[name=status]",
            run: "select all",
        },
        {
            content: "Open and settled documents are listed",
            trigger: ".o_connect_activity_row:contains(Mower blades)",
        },
        {
            content: "Type: credit notes",
            trigger: ".o_connect_activity_filters select[name=doc_type]:has(option[value=credit_note])",
            run: "select credit_note",
        },
        {
            content: "Only credit notes are listed",
            trigger: "body:not(:has(.o_connect_type_invoice)) .o_connect_activity_row.o_connect_type_credit_note",
        },
        {
            content: "Back to every type",
            trigger: ".o_connect_activity_filters select[name=doc_type]",
            run: "select all",
        },
        {
            content: "Invoices are listed again",
            trigger: ".o_connect_activity_row.o_connect_type_invoice",
        },
        {
            content: "Sort on Outstanding",
            trigger: "th a:contains(Outstanding)",
            run: "click",
        },
        {
            content: "Sorted: the arrow shows on Outstanding",
            trigger: "th:has(a:contains(Outstanding)) i.fa-sort-desc",
        },
        {
            content: "Search a description",
            trigger: ".o_connect_activity_filters input[name=search]",
            run: "edit Mower",
        },
        {
            content: "Search",
            trigger: ".o_connect_activity_filters button[type=submit]",
            run: "click",
        },
        {
            content: "Only the invoice for mower blades is left",
            trigger: "body:not(:has(.o_connect_type_credit_note)) .o_connect_activity_row:contains(Mower blades)",
        },
    ],
});
