import { registry } from "@web/core/registry";

// Choose the demo provider, give test card details, pay: what every tour
// below ends with. The status page then lands where the payment page said.
function payWithDemo() {
    return [
        {
            content: "The demo card method",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="demo"]',
            run: "click",
        },
        {
            content: "Card details (test data)",
            trigger: 'input[name="customer_input"]',
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:not(:disabled)',
            run: "click",
        },
    ];
}

// Tick two invoices in the Customer Activity list, pay them, see them settled.
registry.category("web_tour.tours").add("customer_connect_pay_two_invoices", {
    url: "/my/activity",
    steps: () => [
        {
            content: "Tick the first invoice",
            trigger: ".o_connect_activity_row:contains(Tour blades) input[type=checkbox]",
            run: "click",
        },
        {
            content: "Tick the second invoice",
            trigger: ".o_connect_activity_row:contains(Tour belts) input[type=checkbox]",
            run: "click",
        },
        {
            content: "Pay selected",
            trigger: ".o_connect_pay_selected",
            run: "click",
        },
        {
            content: "The server's total of the two (400 settled at 2% + 100)",
            trigger: ".o_connect_pay_total:contains(492.00)",
        },
        ...payWithDemo(),
        {
            content: "Back in the payment history: paid",
            trigger: ".o_connect_payment_row .o_connect_payment_state:contains(Paid)",
        },
        {
            content: "To the activity list",
            trigger: "a[href='/my/home']",
            run: () => {
                window.location.href = "/my/activity";
            },
        },
        {
            content: "Neither invoice is open any more; the third one is",
            trigger:
                "body:not(:has(.o_connect_activity_row:contains(Tour blades))):not(:has(.o_connect_activity_row:contains(Tour belts))) .o_connect_activity_row:contains(Tour chains)",
        },
    ],
});

// Pay an amount on account from the pay page.
registry.category("web_tour.tours").add("customer_connect_pay_on_account", {
    url: "/my/payments/pay",
    steps: () => [
        {
            content: "An amount on account",
            trigger: "#connect_on_account",
            run: "edit 150",
        },
        {
            content: "Continue",
            trigger: ".o_connect_pay_on_account_continue",
            run: "click",
        },
        {
            content: "The amount to pay",
            trigger: ".o_connect_pay_total:contains(150.00)",
        },
        ...payWithDemo(),
        {
            content: "Paid, on account",
            trigger: ".o_connect_payment_row:contains(On account) .o_connect_payment_state:contains(Paid)",
        },
    ],
});

// Pay through an express link, not signed in.
registry.category("web_tour.tours").add("customer_connect_pay_express", {
    steps: () => [
        {
            content: "The customer's open invoice, ticked",
            trigger: ".o_connect_pay_item:contains(INV) input[type=checkbox]",
            run: "click",
        },
        {
            content: "Pay selected",
            trigger: ".o_connect_pay_continue",
            run: "click",
        },
        {
            content: "The amount to pay",
            trigger: ".o_connect_pay_total:contains(400.00)",
        },
        ...payWithDemo(),
        {
            content: "Thank you",
            trigger: ".o_connect_express_paid",
        },
    ],
});
