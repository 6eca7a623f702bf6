import { registry } from "@web/core/registry";

// A consultant turns their lead into an enrolment: New Quotation proposes the
// course of interest, the class is picked, the order confirmed, the child
// named in the students' dialog; the order and the lead show the enrolment.
registry.category("web_tour.tours").add("training_crm_lead_to_enrollment", {
    steps: () => [
        {
            content: "The lead carries its course of interest",
            trigger: ".o_form_view .o_field_widget[name='course_ids'] .o_tag:contains('Tour Scratch')",
        },
        {
            content: "New Quotation",
            trigger: ".o_form_view button[name='action_sale_quotations_new']",
            run: "click",
        },
        {
            content: "The quotation proposes the course as a line: pick its class",
            trigger:
                ".o_form_view .o_field_widget[name='order_line'] .o_data_row:contains('Tour Scratch') td[name='training_class_id']",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name='order_line'] .o_data_row .o_field_widget[name='training_class_id'] input",
            run: "edit Tour Spring",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Spring')",
            run: "click",
        },
        {
            content: "The class is on the line",
            trigger:
                ".o_form_view .o_field_widget[name='order_line'] .o_data_row .o_field_widget[name='training_class_id'] input:value(Tour Spring)",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view .o_form_statusbar button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The students' dialog proposes the customer for the seat: name the child",
            trigger: ".modal .o_data_row:contains('Tour Scratch'):contains('Tour Spring') td[name='partner_id']",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name='partner_id'] input",
            run: "edit Tour Child",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Child')",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name='partner_id'] input:value(Tour Child)",
        },
        {
            content: "Save the students",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The confirmed order shows its enrolment",
            trigger:
                ".o_form_view:not(:has(.modal)) button[name='action_view_training_enrollments']:contains('1')",
            run: "click",
        },
        {
            content: "The enrolment: the child, the course, the class and the amount",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Child'):contains('Tour Scratch'):contains('Tour Spring'):contains('6,000.00')",
        },
        {
            content: "Back to the lead",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Tour Lead Scratch')",
            run: "click",
        },
        {
            content: "The lead is won",
            trigger: ".o_form_view .ribbon:contains('Won')",
        },
        {
            content: "Its enrolment sits among the lead's smart buttons (under More)",
            trigger: ".o_form_view .o-form-buttonbox .o_button_more",
            run: "click",
        },
        {
            trigger: ".o_dropdown_more button[name='action_view_training_enrollments']:contains('1')",
            run: "click",
        },
        {
            content: "The lead's enrolments: the child's",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Child'):contains('Tour Scratch'):contains('Tour Spring')",
        },
    ],
});
