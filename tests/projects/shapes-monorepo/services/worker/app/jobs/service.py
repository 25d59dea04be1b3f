from app.reports import service as reports_service
from app.users import service as users_service


async def run(job_id: int) -> dict:
    return {"report": reports_service.summary(job_id), "user": users_service}
