"""The metric catalog of ../shared/METRICS.md, as data.

Names and meanings are identical for every tenant. Each semantic model sits on
one star table; a metric lives in one model (its home), and additive metrics are
also on the daily model so that metrics of different facts can be asked together
by date. A metric whose inputs a tenant lacks is left out of its config.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GRAINS = ("day", "week", "month", "quarter", "year")
# every dated semantic model's internal dimension holding the untruncated day: date filters and
# date_range compare it, whatever the time_grain (the generator writes it, the compiler reads it)
DATE_FILTER = "filter_date"
# the channels model's internal dimension every query on it filters: one attribution model at a time
ATTRIBUTION_FILTER = "attribution_model"
ATTRIBUTED = "channels"


@dataclass(frozen=True)
class ModelSpec:
    name: str  # semantic model name
    star: str  # star table kind: fct_{tenant}__{star} / dim_{tenant}__{star}
    prefix: str  # fct | dim
    description: str
    domains: tuple[str, ...]  # present when the tenant has any of these domains
    time_column: str | None
    dimensions: dict[str, str]  # catalog dimension -> column
    joins: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # alias -> (model, left, right)
    needs: tuple[str, ...] = ()  # present only when the tenant has all of these domains

    def table(self, tenant: str) -> str:
        return f"{self.prefix}_{tenant}__{self.star}"


@dataclass(frozen=True)
class MetricSpec:
    name: str
    model: str
    description: str
    expr: str  # BSL expression over columns (measures) or over measures (ratios)
    kind: str  # base | ratio
    format: str  # currency | integer | number | percent | ratio
    daily: bool = False  # also on the daily model (additive across facts by date)


# where a session or event came from: the same dimensions on both facts
TRAFFIC_DIMENSIONS = {
    "traffic_source": "traffic_source",
    "traffic_medium": "traffic_medium",
    "traffic_campaign": "traffic_campaign",
    "geo_country": "geo_country",
    "device_category": "device_category",
}


MODELS: dict[str, ModelSpec] = {
    m.name: m
    for m in [
        ModelSpec(
            "ad_performance",
            "ad_performance",
            "fct",
            "Paid-ads delivery: one row per ad per day per platform.",
            ("paid_ads",),
            "report_date",
            {
                "source_platform": "source_platform",
                "campaign_id": "campaign_id",
                "ad_group_id": "ad_group_id",
                "ad_id": "ad_id",
            },
            joins={"campaigns": ("campaigns", "campaign_key", "campaign_key")},
        ),
        ModelSpec(
            "campaigns",
            "campaigns",
            "dim",
            "Campaigns across ad platforms: one row per campaign per platform.",
            ("paid_ads",),
            None,
            {
                "source_platform": "source_platform",
                "campaign_id": "campaign_id",
                "campaign_name": "campaign_name",
                "campaign_status": "status",
            },
        ),
        ModelSpec(
            "orders",
            "orders",
            "fct",
            "Store orders: one row per order.",
            ("ecommerce",),
            "order_date",
            {
                "source_platform": "source_platform",
                "financial_status": "financial_status",
                "currency": "currency",
            },
        ),
        ModelSpec(
            "sessions",
            "sessions",
            "fct",
            "Website sessions: one row per session, first-touch traffic source.",
            ("analytics",),
            "session_date",
            {
                "source_platform": "source_platform",
                **TRAFFIC_DIMENSIONS,
            },
        ),
        ModelSpec(
            "events",
            "events",
            "fct",
            "Analytics events: one row per event.",
            ("analytics",),
            "event_date",
            {
                "source_platform": "source_platform",
                "event_name": "event_name",
                **TRAFFIC_DIMENSIONS,
            },
        ),
        ModelSpec(
            "daily",
            "daily_performance",
            "fct",
            "Every additive figure by day; blended metrics (roas, cac, cost_per_session) live here.",
            ("paid_ads", "ecommerce", "analytics"),
            "date",
            {},
        ),
        ModelSpec(
            "channels",
            "channel_performance",
            "fct",
            "Channel economics on conformed dimensions (date, channel, source_platform, campaign): ad "
            "delivery, "
            "sessions and attributed revenue side by side, under one attribution model per query.",
            ("ecommerce",),
            "date",
            {
                "channel": "channel",
                "source_platform": "source_platform",
                "campaign_id": "campaign_id",
                "campaign_name": "campaign_name",
                ATTRIBUTION_FILTER: ATTRIBUTION_FILTER,
            },
            needs=("ecommerce", "analytics"),
        ),
    ]
}

# joined dimensions: catalog name -> (model, join alias, column in the joined model's dimensions)
JOINED_DIMENSIONS: dict[str, dict[str, str]] = {
    "ad_performance": {
        "campaign_name": "campaigns.campaign_name",
        "campaign_status": "campaigns.campaign_status",
    },
}

DIMENSION_DESCRIPTIONS: dict[str, str] = {
    "date": "Calendar day in the tenant's timezone (ad delivery: the ad account's own day); group it by "
    "day, week, "
    "month, quarter or year with time_grain. Attributed revenue is dated by its order's day.",
    "source_platform": "The connector the row came from, e.g. facebook_ads, google_ads, shopify, "
    "google_analytics.",
    "campaign_id": "Campaign id on the ad platform.",
    "campaign_name": "Campaign name as set on the ad platform (also the utm_campaign of its traffic).",
    "campaign_status": "Campaign status: active, paused or removed.",
    "ad_group_id": "Ad group (Meta: ad set; LinkedIn: campaign) id on the ad platform.",
    "ad_id": "Ad id on the ad platform.",
    "financial_status": "Order payment status: paid, pending, refunded, partially_refunded or voided.",
    "currency": "Currency of the order.",
    "traffic_source": "First-touch source of the session, e.g. google, facebook, (direct).",
    "traffic_medium": "First-touch medium, e.g. cpc, organic, email, (none).",
    "traffic_campaign": "First-touch utm_campaign of the session.",
    "geo_country": "Country (ISO code) of the visitor.",
    "device_category": "desktop, mobile or tablet.",
    "event_name": "Analytics event name as the platform sends it (e.g. page_view, purchase).",
    "channel": "Marketing channel of the traffic (GA4-style default grouping): paid_search, paid_social, "
    "organic_search, organic_social, email, referral, direct, other; 'unattributed' for revenue no "
    "touchpoint explains.",
}

METRICS: dict[str, MetricSpec] = {
    m.name: m
    for m in [
        MetricSpec(
            "spend",
            "ad_performance",
            "Ad spend in the tenant's currency.",
            "_.spend.sum()",
            "base",
            "currency",
            True,
        ),
        MetricSpec(
            "impressions",
            "ad_performance",
            "Times ads were shown.",
            "_.impressions.sum()",
            "base",
            "integer",
            True,
        ),
        MetricSpec("clicks", "ad_performance", "Clicks on ads.", "_.clicks.sum()", "base", "integer", True),
        MetricSpec(
            "conversions",
            "ad_performance",
            "Conversions reported by the ad platforms (Meta: the tenant's conversion action types).",
            "_.conversions.sum()",
            "base",
            "number",
            True,
        ),
        MetricSpec(
            "ctr",
            "ad_performance",
            "Click-through rate: clicks / impressions.",
            "_.clicks / _.impressions.nullif(0)",
            "ratio",
            "ratio",
        ),
        MetricSpec(
            "cpc",
            "ad_performance",
            "Cost per click: spend / clicks.",
            "_.spend / _.clicks.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "cpm",
            "ad_performance",
            "Cost per thousand impressions: 1000 x spend / impressions.",
            "1000 * _.spend / _.impressions.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "cpa",
            "ad_performance",
            "Cost per platform conversion: spend / conversions.",
            "_.spend / _.conversions.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "orders",
            "orders",
            "Orders placed (any payment status).",
            "_.order_id.count()",
            "base",
            "integer",
            True,
        ),
        MetricSpec(
            "paid_orders",
            "orders",
            "Orders paid or partially refunded.",
            "_.is_paid.sum()",
            "base",
            "integer",
            True,
        ),
        MetricSpec(
            "revenue",
            "orders",
            "Revenue: total price of paid (or partially refunded) orders.",
            "_.total_price.sum(where=_.is_paid)",
            "base",
            "currency",
            True,
        ),
        MetricSpec(
            "gross_revenue",
            "orders",
            "Total price of all orders, whatever their payment status.",
            "_.total_price.sum()",
            "base",
            "currency",
            True,
        ),
        MetricSpec(
            "aov",
            "orders",
            "Average order value: revenue / paid_orders.",
            "_.revenue / _.paid_orders.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "customers",
            "orders",
            "Distinct customers with an order.",
            "_.customer_key.nunique()",
            "base",
            "integer",
        ),
        MetricSpec(
            "new_customers",
            "orders",
            "Customers whose first ever order falls in the period.",
            "_.is_new_customer.sum()",
            "base",
            "integer",
            True,
        ),
        MetricSpec(
            "sessions", "sessions", "Website sessions.", "_.session_id.count()", "base", "integer", True
        ),
        MetricSpec(
            "users",
            "sessions",
            "Distinct visitors (user_pseudo_id).",
            "_.user_pseudo_id.nunique()",
            "base",
            "integer",
        ),
        MetricSpec(
            "converting_sessions",
            "sessions",
            "Sessions with one of the tenant's conversion events.",
            "_.is_conversion_session.sum()",
            "base",
            "integer",
            True,
        ),
        MetricSpec(
            "conversion_rate",
            "sessions",
            "Share of sessions that converted: converting_sessions / sessions.",
            "_.converting_sessions / _.sessions.nullif(0)",
            "ratio",
            "ratio",
        ),
        MetricSpec(
            "session_revenue",
            "sessions",
            "Revenue of sessions' conversion events.",
            "_.session_revenue.sum()",
            "base",
            "currency",
            True,
        ),
        MetricSpec("events", "events", "Analytics events.", "_.event_id.count()", "base", "integer"),
        MetricSpec(
            "returning_customers",
            "orders",
            "Customers with an order in the period that is not their first ever order.",
            "_.customer_key.nunique(where=~_.is_new_customer)",
            "base",
            "integer",
        ),
        MetricSpec(
            "repeat_purchase_rate",
            "orders",
            "Share of the period's customers who had ordered before: returning_customers / customers.",
            "_.returning_customers / _.customers.nullif(0)",
            "ratio",
            "ratio",
        ),
        MetricSpec(
            "ltv",
            "orders",
            "Revenue per customer: revenue / customers (over everything landed when no date "
            "range is given: lifetime value to date).",
            "_.revenue / _.customers.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "roas",
            "daily",
            "Return on ad spend: revenue / spend. By date alone it is blended (all revenue); by "
            "channel, source_platform or campaign it is attributed_revenue / spend under the attribution "
            "model.",
            "_.revenue / _.spend.nullif(0)",
            "ratio",
            "ratio",
        ),
        MetricSpec(
            "cac",
            "daily",
            "Customer acquisition cost: spend / new_customers; by channel, source_platform or "
            "campaign, spend / attributed_new_customers.",
            "_.spend / _.new_customers.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "attributed_revenue",
            ATTRIBUTED,
            "Revenue credited to the touchpoints before each paid order under the attribution model "
            "(all channels including 'unattributed' add up to revenue), dated by the order date.",
            "_.attributed_revenue.sum()",
            "base",
            "currency",
        ),
        MetricSpec(
            "attributed_orders",
            ATTRIBUTED,
            "Paid orders credited under the attribution model (fractional: an order's credits sum to 1).",
            "_.attributed_orders.sum()",
            "base",
            "number",
        ),
        MetricSpec(
            "attributed_new_customers",
            ATTRIBUTED,
            "First orders of new customers, credited under the attribution model.",
            "_.attributed_new_customers.sum()",
            "base",
            "number",
        ),
        MetricSpec(
            "attributed_cpa",
            ATTRIBUTED,
            "Cost per attributed order: spend / attributed_orders.",
            "_.spend / _.attributed_orders.nullif(0)",
            "ratio",
            "currency",
        ),
        MetricSpec(
            "cost_per_session",
            "daily",
            "Spend per session: spend / sessions (by date only).",
            "_.spend / _.sessions.nullif(0)",
            "ratio",
            "currency",
        ),
    ]
}

# which tenant domains a metric needs (a tenant lacking one does not get the metric)
METRIC_DOMAINS: dict[str, tuple[str, ...]] = {
    **{
        m: ("paid_ads",)
        for m in ("spend", "impressions", "clicks", "conversions", "ctr", "cpc", "cpm", "cpa")
    },
    **{
        m: ("ecommerce",)
        for m in ("orders", "paid_orders", "revenue", "gross_revenue", "aov", "customers", "new_customers")
    },
    **{
        m: ("analytics",)
        for m in ("sessions", "users", "converting_sessions", "conversion_rate", "session_revenue", "events")
    },
    "roas": ("paid_ads", "ecommerce"),
    "cac": ("paid_ads", "ecommerce"),
    "cost_per_session": ("paid_ads", "analytics"),
    **{m: ("ecommerce",) for m in ("returning_customers", "repeat_purchase_rate", "ltv")},
    **{
        m: ("ecommerce", "analytics")
        for m in ("attributed_revenue", "attributed_orders", "attributed_new_customers")
    },
    "attributed_cpa": ("paid_ads", "ecommerce", "analytics"),
}

# metrics also answered on the channels model (conformed dimensions), with the expression they have there:
# additive ones are summed, and the blended ratios divide by attributed figures (equal to the blended ones in
# total)
ON_CHANNELS: dict[str, str] = {
    **{m: f"_.{m}.sum()" for m in ("spend", "impressions", "clicks", "conversions", "sessions")},
    "ctr": "_.clicks / _.impressions.nullif(0)",
    "cpc": "_.spend / _.clicks.nullif(0)",
    "cpm": "1000 * _.spend / _.impressions.nullif(0)",
    "cpa": "_.spend / _.conversions.nullif(0)",
    "cost_per_session": "_.spend / _.sessions.nullif(0)",
    "roas": "_.attributed_revenue / _.spend.nullif(0)",
    "cac": "_.spend / _.attributed_new_customers.nullif(0)",
}
# what a tenant lacking a domain is told when it asks for a metric that needs it
MISSING_DOMAIN_REASONS: dict[str, str] = {
    "analytics": "attribution needs an analytics source (its sessions are the touchpoints orders are "
    "credited to)",
    "ecommerce": "it needs an ecommerce source (orders and revenue)",
    "paid_ads": "it needs a paid-ads source (spend)",
}

# the inputs of a ratio, which must sit in the same model as the ratio
RATIO_INPUTS: dict[str, tuple[str, ...]] = {
    "ctr": ("clicks", "impressions"),
    "cpc": ("spend", "clicks"),
    "cpm": ("spend", "impressions"),
    "cpa": ("spend", "conversions"),
    "aov": ("revenue", "paid_orders"),
    "conversion_rate": ("converting_sessions", "sessions"),
    "roas": ("revenue", "spend"),
    "cac": ("spend", "new_customers"),
    "cost_per_session": ("spend", "sessions"),
    "repeat_purchase_rate": ("returning_customers", "customers"),
    "ltv": ("revenue", "customers"),
    "attributed_cpa": ("spend", "attributed_orders"),
}
# metrics counting new customers: their first periods are inflated when history is short
NEW_CUSTOMER_METRICS = ("new_customers", "cac", "returning_customers", "repeat_purchase_rate",
                        "attributed_new_customers")
