"""Fixed places the tests name: the repository, the API's prefix, the frontend's origin."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
API = "/api/v2"
FRONTEND = "https://www.example.com"  # FRONTEND_BASE_URL in the test environment
