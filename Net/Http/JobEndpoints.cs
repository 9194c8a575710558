using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Frameworks.Jobs;

namespace MiniMesos.Net.Http;

/// <summary>
/// /v1/jobs: create (POST), list, show with run history, replace (PUT), delete, and start a run now. Writes go
/// through the replicated log; the leader's jobs loop runs them.
/// </summary>
internal static class JobEndpoints
{
    public static void Map(ApiRouter app, ApiContext context)
    {
        var master = context.Master;
        var jobs = context.Jobs ?? throw new ArgumentException("the jobs API needs the jobs service", nameof(context));

        app.MapPost("/v1/jobs", async (HttpContext http) =>
        {
            var body = await MarathonResults.ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return TooLarge();
            var (job, error) = JobRequestParser.Parse(body, null, Now());
            if (error is not null) return ApiResults.Error(StatusCodes.Status400BadRequest, error);
            if (master.Job(job!.Id) is not null)
                return ApiResults.Error(StatusCodes.Status409Conflict, $"job '{job.Id}' already exists (replace it with PUT /v1/jobs/{job.Id})", "id", "already exists");
            await master.PutJobAsync(job, http.RequestAborted).ConfigureAwait(false);
            http.Response.Headers.Location = $"/v1/jobs/{job.Id}";
            return Show(context, job.Id, StatusCodes.Status201Created);
        });

        app.MapGet("/v1/jobs", () => ApiResults.Json(
            new JobList(master.Jobs().Select(j => JobViewBuilder.View(j.Spec, j.State, jobs, master, false)).ToList()), JobsJsonContext.Api.JobList));

        app.MapGet("/v1/jobs/{id}", (string id) => Show(context, id, StatusCodes.Status200OK));

        app.MapPut("/v1/jobs/{id}", async (string id, HttpContext http) =>
        {
            var body = await MarathonResults.ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return TooLarge();
            var existing = master.Job(id);
            // A replaced job keeps its creation time, so its schedule does not fire again for instants already past.
            var (job, error) = JobRequestParser.Parse(body, id, existing?.Spec.CreatedAtMs ?? Now());
            if (error is not null) return ApiResults.Error(StatusCodes.Status400BadRequest, error);
            await master.PutJobAsync(job!, http.RequestAborted).ConfigureAwait(false);
            return Show(context, id, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

        app.MapDelete("/v1/jobs/{id}", async (string id, HttpContext http) =>
            await jobs.RemoveAsync(id, http.RequestAborted).ConfigureAwait(false) ? new StatusResult(StatusCodes.Status204NoContent) : NoSuchJob(id));

        app.MapPost("/v1/jobs/{id}/run", async (string id, HttpContext http) =>
        {
            if (master.Job(id) is not { } job) return NoSuchJob(id);
            if (job.State.Current is { } current)
                return ApiResults.Error(StatusCodes.Status409Conflict,
                    $"job '{id}' already has run '{current.RunId}' {(current.State == JobRunState.Active ? "running" : "waiting to retry")}; wait for it to end");
            var started = await jobs.RunNowAsync(id, http.RequestAborted).ConfigureAwait(false);
            if (started is null) return master.Job(id) is null ? NoSuchJob(id) : ApiResults.Error(StatusCodes.Status409Conflict, $"job '{id}' already has a run in flight");
            return Show(context, id, StatusCodes.Status202Accepted);
        });
    }

    private static IResult Show(ApiContext context, string id, int status) => context.Master.Job(id) is { } job
        ? ApiResults.Json(JobViewBuilder.View(job.Spec, job.State, context.Jobs, context.Master, true), JobsJsonContext.Api.JobView, status)
        : NoSuchJob(id);

    private static IResult NoSuchJob(string id) => ApiResults.Error(StatusCodes.Status404NotFound, $"no job '{id}'");

    private static IResult TooLarge() => ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "the body is larger than 1 MiB");

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
}
