"""The example capability's one page: parse → selector → render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tests.example_app.selectors import enterprise_page


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "example_app/page.html", enterprise_page(actor=request.user, pk=pk))
