"""Fake Microsoft identity platform + Microsoft Advertising v13 REST: Campaign Management
``QueryBy*`` calls (entities without their parent ids, as the API returns them), Reporting
``GenerateReport/Submit`` -> ``Poll`` (Pending for several polls, then Success with a
``ReportDownloadUrl``) -> a zip holding one CSV; ``DeveloperToken``/``CustomerId``/
``CustomerAccountId`` headers; AdApiFaultDetail errors (105 InvalidCredentials, 109
AuthenticationTokenExpired, 1102 CustomerIdInvalid...):
https://learn.microsoft.com/en-us/advertising/guides/request-download-report"""

from __future__ import annotations

import csv
import io
import zipfile

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ingestion.live.fakes.server import Family

POLLS_UNTIL_DONE = 3
PARENT = {"campaigns": "AccountId", "ad_groups": "CampaignId", "ads": "AdGroupId"}


def _fault(status: int, code: int, error_code: str, message: str, headers: dict | None = None) -> Response:
    return JSONResponse({"TrackingId": "fake-tracking-id", "Type": "AdApiFaultDetail",
                         "Errors": [{"Code": code, "ErrorCode": error_code, "Message": message}]},
                        status_code=status, headers=headers)


class FakeBing(Family):
    name = "bing"
    client_id, client_secret, refresh_token = "fake-azure-app-id", "fake-azure-secret", "M.C5fake-refresh"
    access_token, developer_token, customer = "EwBfake-access", "FAKEDEVTOKEN123", "251000001"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.reports: dict[str, dict] = {}

    def account(self) -> str:
        return str(self.records("bing_ads")["campaigns"][0]["AccountId"])

    def settings_for(self, connector: str) -> dict[str, object]:
        return {"account_id": self.account(), "customer_id": self.customer}

    def secrets_for(self, connector: str) -> dict[str, str]:
        return {"developer_token": self.developer_token, "client_id": self.client_id,
                "client_secret": self.client_secret, "refresh_token": self.refresh_token}

    def auth_error(self, why: str) -> Response:
        if why == "revoked":
            return _fault(401, 109, "AuthenticationTokenExpired",
                          "Authentication token expired. Please renew it or obtain a new token.")
        return _fault(401, 105, "InvalidCredentials", "Authentication failed. Either supplied credentials are "
                      "invalid or the account is inactive.")

    def throttled(self) -> Response:
        return _fault(429, 117, "CallRateExceeded", "You have exceeded the number of calls that you are allowed "
                      "to make in a minute.", headers={"Retry-After": str(self.faults.retry_after)})

    def routes(self) -> list:
        cm, rp = "/CampaignManagement/v13", "/Reporting/v13/GenerateReport"
        return [Route("/consumers/oauth2/v2.0/token", self.token, methods=["POST"]),
                Route(f"{cm}/Campaigns/QueryByAccountId", self._query("campaigns"), methods=["POST"]),
                Route(f"{cm}/AdGroups/QueryByCampaignId", self._query("ad_groups"), methods=["POST"]),
                Route(f"{cm}/Ads/QueryByAdGroupId", self._query("ads"), methods=["POST"]),
                Route(f"{rp}/Submit", self.submit, methods=["POST"]), Route(f"{rp}/Poll", self.poll, methods=["POST"]),
                Route("/download/{report_id}.zip", self.download)]

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != self.client_id:
            return JSONResponse({"error": "unauthorized_client", "error_description": "AADSTS700016: Application "
                                 "not found in the directory."}, status_code=400)
        if form.get("refresh_token") != self.refresh_token or self.revoked:
            return JSONResponse({"error": "invalid_grant", "error_description": "AADSTS70008: The provided "
                                 "authorization code or refresh token has expired due to inactivity."}, status_code=400)
        return JSONResponse(
            {
                "token_type": "Bearer",
                "scope": "https://ads.microsoft.com/msads.manage",
                "expires_in": 3600,
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
            }
        )

    def _guard(self, request: Request) -> Response | None:
        h = request.headers
        if h.get("Authorization") != f"Bearer {self.access_token}":
            return self.auth_error("bad")
        if h.get("DeveloperToken") != self.developer_token:
            return _fault(401, 105, "InvalidCredentials", "Invalid developer token.")
        bad = self.fault(request)
        if bad is not None:
            return bad
        if h.get("CustomerId") != self.customer or h.get("CustomerAccountId") != self.account():
            return _fault(400, 1102, "CustomerIdInvalid", "The customer ID or account ID is not valid for this user.")
        return None

    def _query(self, obj: str):
        async def handler(request: Request) -> Response:
            if (bad := self._guard(request)) is not None:
                return bad
            body = await request.json()
            parent = PARENT[obj]
            rows = [
                {k: v for k, v in r.items() if k != parent}
                for r in self.records("bing_ads")[obj]
                if str(r[parent]) == str(body[parent])
            ]
            self.count(obj, rows, lambda r: r["Id"])
            return JSONResponse(
                {{"campaigns": "Campaigns", "ad_groups": "AdGroups", "ads": "Ads"}[obj]: rows, "PartialErrors": []}
            )

        return handler

    async def submit(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        req = (await request.json())["ReportRequest"]
        rid = f"{len(self.reports) + 1:011d}"
        self.reports[rid] = {"request": req, "polls": 0}
        return JSONResponse({"ReportRequestId": rid})

    async def poll(self, request: Request) -> Response:
        if (bad := self._guard(request)) is not None:
            return bad
        rid = (await request.json())["ReportRequestId"]
        rep = self.reports[rid]
        rep["polls"] += 1
        if rep["polls"] < POLLS_UNTIL_DONE:
            return JSONResponse({"ReportRequestStatus": {"ReportDownloadUrl": None, "Status": "Pending"}})
        base = str(request.url).split("/Reporting/")[0]
        return JSONResponse(
            {"ReportRequestStatus": {"ReportDownloadUrl": f"{base}/download/{rid}.zip?sig=fake", "Status": "Success"}}
        )

    async def download(self, request: Request) -> Response:
        req = self.reports[request.path_params["report_id"]]["request"]
        t = req["Time"]["CustomDateRangeStart"], req["Time"]["CustomDateRangeEnd"]
        lo, hi = (f"{d['Year']:04d}-{d['Month']:02d}-{d['Day']:02d}" for d in t)
        rows = [r for r in self.records("bing_ads")["account_performance_report"] if lo <= r["TimePeriod"] <= hi]
        columns = req["Columns"]
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else r[c] for c in columns])
        self.count("account_performance_report", rows, lambda r: (r["AdId"], r["TimePeriod"], r["DeviceType"]))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(f"{request.path_params['report_id']}.csv", "\ufeff" + text.getvalue())
        return Response(buf.getvalue(), media_type="application/x-zip-compressed")
