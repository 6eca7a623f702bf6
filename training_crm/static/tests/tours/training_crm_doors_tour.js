import { registry } from "@web/core/registry";

// A consultant claims a lead from its pool card, then hands it back with a reason.
registry.category("web_tour.tours").add("training_crm_claim_card_hand_back", {
    steps: () => [
        {
            content: "Show the whole pipeline, not only my leads",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "The pool card carries a Claim button",
            trigger:
                ".o_kanban_record:contains('Tour Pool Card') button[name='action_claim']",
            run: "click",
        },
        {
            content: "The claim confirms itself",
            trigger: ".o_notification:contains('is yours now')",
        },
        {
            content: "The card is mine now: no Claim button any more",
            trigger:
                ".o_kanban_record:contains('Tour Pool Card'):not(:has(button[name='action_claim']))",
            run: "click",
        },
        {
            content: "The Salesperson cannot be edited on the form",
            trigger: ".o_form_view .o_field_widget[name='user_id'].o_readonly_modifier",
        },
        {
            content: "Hand the lead back",
            trigger: ".o_form_view button[name='action_hand_back']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Parent moved to another city",
        },
        {
            trigger: ".modal button[name='action_hand_back']",
            run: "click",
        },
        {
            content: "Back in the pool: it can be claimed again",
            trigger: ".o_form_view button[name='action_claim']",
        },
        {
            content: "and the chatter says who and why",
            trigger:
                ".o-mail-Message-body:contains('Handed back to the pool by Tour Card Claimer'):contains('Parent moved to another city')",
        },
    ],
});
