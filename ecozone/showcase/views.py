from django.shortcuts import render

from ecozone.designations import queries
from ecozone.designations.models import Programme


def home(request):
    """Public landing page: headline coverage per programme (the full showcase grows here)."""
    programmes = list(Programme.objects.all())
    figures = [queries.coverage(p) for p in programmes]
    return render(request, "showcase/home.html", {"figures": figures})
