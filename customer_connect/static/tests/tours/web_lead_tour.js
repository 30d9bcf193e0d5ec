import { registry } from "@web/core/registry";

// A visitor on the portal's sign-in page opens Request Info, sends the form
// with a mistyped e-mail, is told which field is wrong (what they typed is
// kept), corrects it and gets the thank-you page.
registry.category("web_tour.tours").add("customer_connect_web_lead", {
    url: "/web/login",
    steps: () => [
        {
            content: "Open Request Info from the sign-in page",
            trigger: ".o_connect_request_info_link a[href='/request-info']",
            run: "click",
        },
        {
            content: "Type a name",
            trigger: ".o_connect_web_lead_form input[name=contact_name]",
            run: "edit Tour Visitor",
        },
        {
            content: "Mistype the e-mail",
            trigger: ".o_connect_web_lead_form input[name=email_from]",
            run: "edit tour.visitor.example.com",
        },
        {
            content: "Say what it is about",
            trigger: ".o_connect_web_lead_form textarea[name=message]",
            run: "edit Could someone call me about a ride-on mower?",
        },
        {
            content: "Send",
            trigger: ".o_connect_web_lead_form button.o_connect_web_lead_send",
            run: "click",
        },
        {
            content: "The e-mail is refused, with the reason",
            trigger: ".o_connect_web_lead_error[data-field=email_from]:contains(is not one e-mail address)",
        },
        {
            content: "The name and message are still there",
            trigger: ".o_connect_web_lead_form input[name=contact_name][value='Tour Visitor']",
        },
        {
            content: "Correct the e-mail",
            trigger: ".o_connect_web_lead_form input[name=email_from].is-invalid",
            run: "edit tour.visitor@example.com",
        },
        {
            content: "Send again",
            trigger: ".o_connect_web_lead_form button.o_connect_web_lead_send",
            run: "click",
        },
        {
            content: "Thanked, with the message as typed",
            trigger: ".o_connect_web_lead_thanks:contains(Thank you, Tour Visitor) .o_connect_web_lead_message:contains(ride-on mower)",
        },
    ],
});
