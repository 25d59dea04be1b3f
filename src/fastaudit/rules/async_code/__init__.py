"""ASY: where a route's or a dependency's work runs, on the event loop or in the threadpool.

An ``async def`` route or dependency runs on the event loop. A call that blocks (network,
disk, database, sleep, child processes) stops every other request on that worker until
it returns (ASY101-ASY105). Calls inside a nested ``def`` or lambda are not flagged: those
run wherever they are called from (often ``run_in_threadpool`` or ``asyncio.to_thread``).
The other way round, a sync ``def`` route or dependency whose body makes no call that
could block pays a thread hop for nothing (ASY106, ASY107). A blocking call reached from
an ``async def`` through the project's own sync functions is reported at the async call
site, with the chain of calls (ASY108).
"""
