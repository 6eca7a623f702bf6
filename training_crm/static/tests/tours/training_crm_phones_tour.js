import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("training_crm_quick_create_collision", {
    steps: () => [
        {
            content: "Quick-create a lead from the pipeline",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Name the lead",
            trigger: ".o_kanban_quick_create .o_field_widget[name=name] input",
            run: "edit Walk-in from the street",
        },
        {
            content: "Type the number as consultants do: no country code",
            trigger: ".o_kanban_quick_create .o_field_widget[name=phone] input",
            run: "edit 135 7021 4466",
        },
        {
            content: "Leave the field",
            trigger: ".o_kanban_quick_create .o_field_widget[name=name] input",
            run: "click",
        },
        {
            content: "The card warns who already follows the person",
            trigger: ".o_notification:contains('Quick Owner already follows this person')",
        },
        {
            content: "Add the lead anyway",
            trigger: ".o_kanban_quick_create button.o_kanban_add",
            run: "click",
        },
        {
            content: "The card is in the pipeline",
            trigger: ".o_kanban_record:contains('Walk-in from the street')",
        },
    ],
});
