def summary(job_id: int) -> dict:
    from app.jobs import service as jobs_service

    return {"job": job_id, "runner": jobs_service.run}
