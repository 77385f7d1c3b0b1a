from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def signup(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/login.html")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/login.html")
