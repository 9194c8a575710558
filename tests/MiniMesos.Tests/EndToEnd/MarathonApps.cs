using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// A cluster of agents with distinct hostnames and an HTTP client for /v2. App processes write their pid to a
/// file so a test can kill one, and disposal kills every one left (agents deliberately leave tasks running).
/// </summary>
internal sealed class MarathonApps : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private MarathonApps(InProcessCluster cluster)
    {
        Cluster = cluster;
        Http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}") };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Secret.Token);
        Pids = Directory.CreateDirectory(Path.Combine(cluster.Dir, "pids")).FullName;
    }

    public InProcessCluster Cluster { get; }
    public HttpClient Http { get; }
    public string Pids { get; }

    public static async Task<MarathonApps> StartAsync(int agents)
    {
        var cluster = await InProcessCluster.StartAsync(agents: 0);
        for (var i = 1; i <= agents; i++) await cluster.StartAgentAsync($"agent{i}", cluster.Secret, "test", hostname: $"pi{i}");
        return new MarathonApps(cluster);
    }

    /// <summary>A long-running command that records its pid (exec keeps the shell's pid for sleep).</summary>
    public string SleeperCmd => $"echo $$ > {Pids}/$MINIMESOS_TASK_ID.pid; exec sleep 120";

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<JsonElement> AppAsync(string id) => (await SendAsync(HttpMethod.Get, $"/v2/apps{id}")).Body.GetProperty("app");

    /// <summary>The app and why it waits (MiniMesos' X-MiniMesos-Waiting header, kept out of Marathon's app object).</summary>
    public async Task<(JsonElement App, string? Waiting)> AppAndWaitingAsync(string id)
    {
        using var response = await Http.GetAsync($"/v2/apps{id}");
        var text = await response.Content.ReadAsStringAsync();
        var waiting = response.Headers.TryGetValues("X-MiniMesos-Waiting", out var values) ? values.Single() : null;
        return (JsonDocument.Parse(text).RootElement.GetProperty("app").Clone(), waiting);
    }

    /// <summary>Polls the app and its waiting reason until <paramref name="done"/> holds.</summary>
    public async Task<(JsonElement App, string? Waiting)> WaitForWaitingAsync(string id, Func<JsonElement, string?, bool> done, string what)
    {
        return await Eventually.MatchAsync(() => AppAndWaitingAsync(id), last => done(last.App, last.Waiting), what, Patience,
            () => $"log:\n{Cluster.Log}", TimeSpan.FromMilliseconds(100), last => $"{last.App} waiting '{last.Waiting}'");
    }

    /// <summary>Polls the app until <paramref name="done"/> holds; fails with the last answer seen.</summary>
    public async Task<JsonElement> WaitForAppAsync(string id, Func<JsonElement, bool> done, string what)
    {
        return await Eventually.MatchAsync(() => AppAsync(id), done, what, Patience, () => $"log:\n{Cluster.Log}", TimeSpan.FromMilliseconds(100));
    }

    public static List<JsonElement> Tasks(JsonElement app) => app.GetProperty("tasks").EnumerateArray().ToList();

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Kills every app process still alive (call before the cluster's directory goes away).</summary>
    public void KillLeftovers()
    {
        foreach (var file in Directory.GetFiles(Pids, "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(file).Trim(), out var pid))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }
}
