from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.selectors import request_language


def language_middleware(get_response):
    """Answer each request in its reader's language (accounts.selectors.request_language)."""

    def middleware(request):
        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    return middleware
