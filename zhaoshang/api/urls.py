from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from zhaoshang.api import views

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("stage-events", views.StageEventViewSet, basename="stage-event")
router.register("funds", views.FundsViewSet, basename="funds")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("targets", views.TargetViewSet, basename="target")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
router.register("events", views.EventViewSet, basename="event")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("signings", views.SigningViewSet, basename="signing")
router.register("promotions", views.PromotionViewSet, basename="promotion")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("tokens", views.TokenViewSet, basename="token")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("forecast/", views.ForecastView.as_view(), name="forecast"),
    *router.urls,
]
