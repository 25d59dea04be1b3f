from fastapi import FastAPI


def create_app() -> FastAPI:
    application = FastAPI(title="My shop", docs_url="/docs")
    from myshop.cart.router import router as cart_router

    application.include_router(cart_router)
    return application
