using System.Net;
using System.Text.Json;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>A task's output: submitted and followed in one request, followed on its own, one stream or both.</summary>
internal sealed partial class ApiClient
{
    /// <summary>
    /// POST /v1/tasks?follow=true: the task as submitted and, when the master goes on with its output in the same answer,
    /// the frames to read it from (for <see cref="FollowOutputAsync"/>); a master older than that answers with the task
    /// alone (Output null: the caller follows it with a request of its own). The caller disposes the result.
    /// </summary>
    public async Task<SubmittedTask> SubmitFollowingAsync(TaskSubmitRequest request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks?follow=true") { Content = JsonBody(TaskJson.Write(request)) };
            response = await _http.SendAsync(post, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (NoConnection(e))
        {
            throw Unreachable(e);
        }
        try
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            var streamed = response.Content.Headers.ContentType?.MediaType == TaskOutputEndpoint.ContentType;
            var output = streamed ? new TaskOutputFrames(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false)) : null;
            var json = output is null
                ? await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false)
                : await output.ReadFrameAsync("submitted", ct).ConfigureAwait(false);
            var task = TaskJson.ReadView(json) ?? throw new CliException($"the master at {_master} sent an empty answer", ExitCodes.RuntimeError);
            return new SubmittedTask(task, output, response);
        }
        catch (IOException e)
        {
            response.Dispose();
            throw new CliException($"lost the master at {_master} before it said which task it submitted ({e.Message}); `minimesos task list` shows it", ExitCodes.RuntimeError);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            response.Dispose();
            throw new CliException($"the master at {_master} answered the submit in a form this CLI does not read: {e.Message}", ExitCodes.RuntimeError);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A submitted task, and the rest of the answer when the master streams its output in it.</summary>
    public sealed class SubmittedTask(TaskView task, TaskOutputFrames? output, HttpResponseMessage response) : IDisposable
    {
        public TaskView Task { get; } = task;
        public TaskOutputFrames? Output { get; } = output;
        public void Dispose() => response.Dispose();
    }

    /// <summary>Copies a task's output stream to <paramref name="output"/> until the task has ended and all of it was read.</summary>
    public async Task FollowLogAsync(string id, string stream, Stream output, CancellationToken ct, bool follow = true)
    {
        long offset = 0;
        // A dropped connection (master restart) resumes from the last byte received.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await _http.GetAsync($"/v1/tasks/{Uri.EscapeDataString(id)}/logs/{stream}?follow={(follow ? "true" : "false")}&offset={offset}",
                    HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
                await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                await CopyAsync(body, output, n => offset += n, ct).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
            }
            catch (IOException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Follows a task's stdout and stderr in one response (GET /v1/tasks/ID/output?follow=true) until the task has ended
    /// and all its output was copied, and returns the task as it ended; null when the master is older and has no such
    /// endpoint (the caller then follows each stream on its own). One connection for the whole task: one TLS handshake.
    /// <paramref name="started"/>: the frames of a submit that streams them (<see cref="SubmitFollowingAsync"/>), read first.
    /// </summary>
    public async Task<TaskView?> FollowOutputAsync(string id, Stream stdout, Stream stderr, CancellationToken ct, TaskOutputFrames? started = null)
    {
        long stdoutOffset = 0, stderrOffset = 0;
        // A dropped connection (master restart) resumes from the last byte received of each stream.
        for (var attempt = 0; ; attempt++)
        {
            TaskOutputFrames? frames = null;
            HttpResponseMessage? response = null;
            try
            {
                if (attempt == 0 && started is not null) frames = started;
                else
                {
                    response = await _http.GetAsync(
                        $"/v1/tasks/{Uri.EscapeDataString(id)}/output?follow=true&stdout_offset={stdoutOffset}&stderr_offset={stderrOffset}",
                        HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.NotFound && await IsMissingEndpointAsync(response, ct).ConfigureAwait(false)) return null;
                    await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
                    frames = new TaskOutputFrames(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
                }
                if (await frames.CopyAsync(stdout, stderr, ct).ConfigureAwait(false) is { } task)
                    return TaskJson.ReadView(task)
                        ?? throw new CliException($"the master at {_master} sent an empty task", ExitCodes.RuntimeError);
                if (attempt >= 3) throw new CliException($"the master at {_master} kept ending task {id}'s output early", ExitCodes.RuntimeError);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && attempt < 3 && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (NoConnection(e))
            {
                throw Unreachable(e);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException)
            {
                throw new CliException($"the master at {_master} sent task {id}'s output in a form this CLI does not read: {e.Message}", ExitCodes.RuntimeError);
            }
            catch (IOException e)
            {
                throw new CliException($"lost the master at {_master} while following task {id}: {e.Message}", ExitCodes.RuntimeError);
            }
            finally
            {
                response?.Dispose();
                stdoutOffset += frames?.StdoutBytes ?? 0;
                stderrOffset += frames?.StderrBytes ?? 0;
            }
        }
    }

    /// <summary>A 404 for the path itself ("no endpoint GET ..."), not for a task: a master older than the endpoint.</summary>
    private static async Task<bool> IsMissingEndpointAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
        try
        {
            return (await ReadJsonAsync(response, ApiJsonContext.Api.ApiError, ct).ConfigureAwait(false))?.Error?.StartsWith("no endpoint ", StringComparison.Ordinal) == true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
