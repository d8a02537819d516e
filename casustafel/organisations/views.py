from django.http import HttpResponse


def _todo(request, pk=None):  # replaced by the administration UI
    return HttpResponse("todo")


organisation_list = organisation_create = organisation_detail = organisation_edit = _todo
user_list = user_create = user_detail = user_edit = user_reset_mfa = _todo
membership_create = membership_edit = membership_end = _todo
substitution_list = substitution_create = substitution_revoke = _todo
