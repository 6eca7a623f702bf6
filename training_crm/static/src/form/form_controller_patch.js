import { onError } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";

// A lead one may not read (another consultant's, shared as a link): the web
// client goes back to the previous view, and when the link opened the page,
// without a word. Say why; the error itself goes on as before.
patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        const notification = useService("notification");
        onError((error) => {
            if (
                this.props.resModel === "crm.lead" &&
                error.cause?.data?.name === "odoo.exceptions.AccessError"
            ) {
                notification.add(
                    _t(
                        "You may not open this lead: it is another consultant's, or in another team's pool. Ask your supervisor if you should follow it up."
                    ),
                    { title: _t("Access Error"), type: "danger", sticky: true }
                );
            }
            throw error;
        });
    },
});
