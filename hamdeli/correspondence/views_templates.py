"""Pages for letter templates."""

from django.shortcuts import redirect, render

from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.permissions import requires
from hamdeli.correspondence import forms, selectors, services


@requires("correspondence.view")
def template_list(request):
    return render(request, "correspondence/templates.html", {"templates": selectors.templates(org=request.org)})


@requires("correspondence.edit")
def template_create(request):
    return _form_page(request, None)


@requires("correspondence.edit")
def template_edit(request, public_id):
    return _form_page(request, selectors.template(org=request.org, public_id=public_id))


def _form_page(request, template):
    initial = {} if template is None else {"name": template.name, "occasion": template.occasion,
                                           "subject": template.subject, "body": template.body}
    form = forms.TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(org=request.org, actor=request.user, template=template,
                                   **form.cleaned_data)
            return redirect("correspondence:templates")
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "correspondence/template_form.html", {"form": form, "template": template},
                  status=422 if form.errors else 200)

