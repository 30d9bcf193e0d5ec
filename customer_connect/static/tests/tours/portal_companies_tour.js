import { registry } from "@web/core/registry";

// A login working with two dealer companies switches from one to the other:
// the Customer Activity list then shows the other company's invoice.
registry.category("web_tour.tours").add("customer_connect_company_switch", {
    url: "/my/activity",
    steps: () => [
        {
            content: "Northfield's invoice is listed",
            trigger: ".o_connect_activity_row:contains(Northfield mower blades)",
        },
        {
            content: "Pick Southfield Machinery",
            trigger: ".o_connect_company_switcher select[name=company_id]",
            run: "selectByLabel Southfield Machinery",
        },
        {
            content: "Southfield's invoice is listed, Northfield's is not",
            trigger: "body:not(:has(.o_connect_activity_row:contains(Northfield mower blades))) .o_connect_activity_row:contains(Southfield baler twine)",
        },
        {
            content: "The switcher says Southfield",
            trigger: ".o_connect_company_switcher select[name=company_id]:has(option:selected:contains(Southfield Machinery))",
        },
    ],
});
