import { registry } from "@web/core/registry";

// A customer's contact follows its project (manual 003): opens it from the
// list, goes through the four views (Proposals, Rooms/Locations, Items, All
// Details), then turns the items' images off and on again.
registry.category("web_tour.tours").add("customer_connect_portal_project_status", {
    url: "/my/projects",
    steps: () => [
        {
            content: "Open the project",
            trigger: ".o_connect_project_row a.o_connect_project_link",
            run: "click",
        },
        {
            content: "Proposals first",
            trigger: ".o_connect_project_tab.active[data-view=proposals]",
        },
        {
            content: "The proposal's rooms, then its items, images shown",
            trigger: ".o_connect_project_proposal + .o_connect_project_room:contains(Garage) + .o_connect_project_item:contains(Roller door) img.o_connect_item_image",
        },
        {
            content: "Rooms / Locations",
            trigger: ".o_connect_project_tab[data-view=rooms]",
            run: "click",
        },
        {
            content: "Rooms / Locations is shown",
            trigger: ".o_connect_project_tab.active[data-view=rooms]",
        },
        {
            content: "The kitchen's last item is the second proposal's tile",
            trigger: ".o_connect_project_room:contains(Kitchen) ~ .o_connect_project_item:contains(Belfast sink) + .o_connect_project_item:contains(Slate tile)",
        },
        {
            content: "Items",
            trigger: ".o_connect_project_tab[data-view=items]",
            run: "click",
        },
        {
            content: "Every item by reference number, no room rows",
            trigger: ".o_connect_project_tab.active[data-view=items]",
        },
        {
            content: "The first item is the garage's door (G-DOOR)",
            trigger: "body:not(:has(.o_connect_project_room)) tbody .o_connect_project_item:first-child:contains(G-DOOR)",
        },
        {
            content: "All Details",
            trigger: ".o_connect_project_tab[data-view=details]",
            run: "click",
        },
        {
            content: "All Details is shown",
            trigger: ".o_connect_project_tab.active[data-view=details]",
        },
        {
            content: "The oven's deposit: its share of the 550 paid",
            trigger: ".o_connect_project_item:contains(Range oven) .o_connect_item_deposit:contains(300.00)",
        },
        {
            content: "Images are shown: turn them off",
            trigger: ".o_connect_project_item img.o_connect_item_image",
        },
        {
            content: "Show Images: Off",
            trigger: "a.o_connect_project_images_off",
            run: "click",
        },
        {
            content: "No image any more, still on All Details",
            trigger: "body:not(:has(img.o_connect_item_image)) .o_connect_project_tab.active[data-view=details]",
        },
        {
            content: "The choice is kept on another view",
            trigger: ".o_connect_project_tab[data-view=rooms]",
            run: "click",
        },
        {
            content: "Rooms without images",
            trigger: "body:not(:has(img.o_connect_item_image)) .o_connect_project_tab.active[data-view=rooms]",
        },
        {
            content: "Show Images: On",
            trigger: "a.o_connect_project_images_on",
            run: "click",
        },
        {
            content: "The images are back, served by the item image route",
            trigger: ".o_connect_project_tab.active[data-view=rooms]",
        },
        {
            content: "The sink's image",
            trigger: ".o_connect_project_item:contains(Belfast sink) img.o_connect_item_image[src^='/my/projects/image/']",
        },
    ],
});
