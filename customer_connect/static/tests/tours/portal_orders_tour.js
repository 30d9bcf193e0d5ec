import { registry } from "@web/core/registry";

// A customer's contact follows its open orders: the filter keeps what awaits
// delivery, an order opens on its lines; then the account history between
// two dates shows the opening balance and the month's invoice.
registry.category("web_tour.tours").add("customer_connect_portal_orders", {
    url: "/my/open-orders",
    steps: () => [
        {
            content: "Open orders: the order not delivered yet, and the one awaiting its invoice",
            trigger: ".o_connect_open_order_row:contains(PO-1001)",
        },
        {
            content: "The delivered order still to invoice is listed too",
            trigger: ".o_connect_open_order_row:contains(Baler)",
        },
        {
            content: "Show what awaits delivery",
            trigger: ".o_connect_orders_filters select[name=order_filter]",
            run: "select to_deliver",
        },
        {
            content: "The delivered order is gone, the waiting one stays",
            trigger: "body:not(:has(.o_connect_open_order_row:contains(Baler))) .o_connect_open_order_row:contains(PO-1001)",
        },
        {
            content: "Open the order",
            trigger: ".o_connect_open_order_row:contains(PO-1001) a.o_connect_open_order_link",
            run: "click",
        },
        {
            content: "Its lines: ordered, nothing delivered yet",
            trigger: ".o_connect_open_order_section:contains(Spring service kit) ~ .o_connect_open_order_line.o_connect_line_waiting",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_connect_open_order_name",
            run() {
                window.location.href = "/my";
            },
        },
        {
            content: "Open the account history",
            trigger: "a[href='/my/history']",
            run: "click",
        },
        {
            content: "The account history of the last 12 months",
            trigger: ".o_connect_history_range input[name=date_from]",
            run() {
                document.querySelector(".o_connect_history_range input[name=date_from]").value =
                    "2026-01-01";
                document.querySelector(".o_connect_history_range input[name=date_to]").value =
                    "2026-01-31";
            },
        },
        {
            content: "Show January",
            trigger: ".o_connect_history_range button[type=submit]",
            run: "click",
        },
        {
            content: "January: the opening balance and the one invoice of the month",
            trigger: "tbody:has(.o_connect_history_opening):not(:has(.o_connect_history_row + .o_connect_history_row)) .o_connect_history_row:contains(Hedge cutter)",
        },
    ],
});
