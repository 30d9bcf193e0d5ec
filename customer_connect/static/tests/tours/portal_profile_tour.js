import { registry } from "@web/core/registry";

// 1x1 PNG, the contact's new photo
const PHOTO_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

// A contact keeps its profile: title, mobile and alternate number, how to be
// contacted, a photo; the customer number shows but cannot be changed.
registry.category("web_tour.tours").add("customer_connect_portal_profile", {
    url: "/my/account",
    steps: () => [
        {
            content: "The customer number is shown, read-only",
            trigger: "input#connect_customer_number[disabled]",
        },
        {
            content: "Title",
            trigger: "select[name=title]",
            run: "selectByLabel Doctor",
        },
        {
            content: "Mobile",
            trigger: "input[name=mobile]",
            run: "edit 07700 900123",
        },
        {
            content: "Alternate number",
            trigger: "input[name=connect_alt_phone]",
            run: "edit 01382 555 010",
        },
        {
            content: "Updates by SMS",
            trigger: "input[name=connect_pref_sms]",
            run: "check",
        },
        {
            content: "Not by post",
            trigger: "input[name=connect_pref_post]",
            run: "uncheck",
        },
        {
            content: "A photo",
            trigger: "input[name=connect_photo]",
            run() {
                const bytes = Uint8Array.from(atob(PHOTO_PNG), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "me.png", { type: "image/png" }));
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Password is changed from the profile too",
            trigger: "a.o_connect_profile_password[href='/my/security']",
        },
        {
            content: "Save",
            trigger: "form[action='/my/account'] button[type=submit]",
            run: "click",
        },
        {
            content: "Back on the contact's home: Customer Activity",
            trigger: ".o_connect_activity_filters",
        },
        {
            content: "Open the profile again",
            trigger: "body",
            run: "goToUrl /my/account",
        },
        {
            content: "What was saved is there",
            trigger: "input[name=connect_alt_phone][value='01382 555 010']",
        },
        {
            content: "The photo shows",
            trigger: ".o_connect_profile_photo img",
        },
        {
            content: "Cancel goes back without saving",
            trigger: "a.o_connect_profile_cancel",
            run: "click",
        },
        {
            content: "Back on the contact's home: Customer Activity",
            trigger: ".o_connect_activity_filters",
        },
    ],
});
