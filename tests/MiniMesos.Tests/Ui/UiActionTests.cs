using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Isolation;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;
using MiniMesos.Tests.EndToEnd;
using PuppeteerSharp;
using Xunit;
using static MiniMesos.Tests.Ui.UiBrowserTests;

namespace MiniMesos.Tests.Ui;

/// <summary>
/// The UI's actions clicked in a real headless Chromium against real masters and agents, each checked twice: in the
/// cluster (the master's state, the API) and on the page. Also a token that stops working in the middle of a session,
/// and the UI served by a follower of a three-master cluster while its leader is killed.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Category", "Browser")]
public sealed class UiActionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task AnAdminDrainsAndReactivatesAnAgentRestartsAndDeletesAnAppAndRunsAJobNow()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        await cluster.StartAgentAsync("agent1", cluster.Secret, "test", hostname: "pi1");
        await cluster.StartAgentAsync("agent2", cluster.Secret, "test", hostname: "pi2");
        var master = cluster.Master.Service;
        var pi1 = master.Agents().Single(a => a.Agent.Hostname == "pi1").Agent.Id;
        using var client = cluster.Client();
        Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v2/apps",
            """{"id": "/act", "cmd": "exec sleep 600", "instances": 2, "cpus": 0.1, "mem": 16, "disk": 32}""", CancellationToken.None)).Status);
        Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v1/jobs",
            """{"id": "nightly", "cmd": "echo ran", "schedule": "0 3 * * *"}""", CancellationToken.None)).Status);
        await WaitAsync(() => Instances(master).Count(t => t.State == TaskState.Running) == 2, "/act running twice");

        await using var browser = await UiBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GoToAsync(UiBrowser.Url(cluster.Api.Port));
        await SignInAsync(page, cluster.Secret.Token, "admin");

        // Each agent's card shows the disk its tasks reserve of what it offers, and its work dir's filesystem as the API says.
        await GoAsync(page, "agents");
        var agents = JsonDocument.Parse(await client.GetJsonAsync("/v1/agents", CancellationToken.None)).RootElement.GetProperty("agents");
        Assert.Equal(64, agents.EnumerateArray().Sum(a => a.GetProperty("disk").GetInt64() - a.GetProperty("free_disk").GetInt64()));
        foreach (var a in agents.EnumerateArray())
        {
            var card = $".agent[data-agent=\"{a.GetProperty("hostname").GetString()}\"]";
            var reserved = a.GetProperty("disk").GetInt64() - a.GetProperty("free_disk").GetInt64();
            await UiBrowser.WaitAsync(page, $"document.querySelector('{card} [aria-label=\"Disk used / offered\"]')?.getAttribute('aria-valuenow') === '{reserved}'"
                + $" && document.querySelector('{card} [aria-label=\"Disk used / offered\"]').getAttribute('aria-valuemax') === '{a.GetProperty("disk").GetInt64()}'",
                $"{a.GetProperty("hostname")}'s disk: {reserved} MiB reserved by its tasks");
            var total = a.GetProperty("disk_total_mb").GetInt64();
            var used = total - a.GetProperty("disk_free_mb").GetInt64();
            // Free space moves as other processes write: the page's figure is the same filesystem's within 1 GiB.
            await UiBrowser.WaitAsync(page, $"(m => m && m.getAttribute('aria-valuemax') === '{total}' && Math.abs(m.getAttribute('aria-valuenow') - {used}) <= 1024)"
                + $"(document.querySelector('{card} [aria-label=\"Filesystem used / size\"]'))", $"{a.GetProperty("hostname")}'s work dir filesystem");
        }

        // Drain pi1: the master stops using it and its instance moves to pi2; the card says so; then reactivate it.
        await ClickAsync(page, $"[data-k='drain-{pi1}']");
        await WaitAsync(() => master.Mode(pi1) is AgentMode.Draining or AgentMode.Drained, "pi1 draining in the cluster");
        await UiBrowser.WaitAsync(page, AgentState("pi1", "drained"), "pi1 drained on the page");
        await WaitAsync(() => Instances(master).Count(t => t.State == TaskState.Running && t.AgentId != pi1) == 2
            && Instances(master).All(t => t.AgentId != pi1 || t.State.IsTerminal()), "both instances on pi2");
        await UiBrowser.ScreenshotAsync(page, "agents-drained-desktop");
        await ClickAsync(page, $"[data-k='reactivate-{pi1}']");
        await WaitAsync(() => master.Mode(pi1) == AgentMode.Active, "pi1 active again in the cluster");
        await UiBrowser.WaitAsync(page, AgentState("pi1", "active"), "pi1 active on the page");

        // Restart /act: both instances are replaced by new ones, in the cluster and on the page.
        await GoAsync(page, "apps");
        var before = Instances(master).Where(t => !t.State.IsTerminal()).Select(t => t.Id).ToHashSet();
        await ClickAsync(page, "[data-k='restart-/act']");
        await WaitAsync(() => Instances(master).Count(t => t.State == TaskState.Running && !before.Contains(t.Id)) == 2
            && before.All(id => master.Task(id)!.State.IsTerminal()), "two new instances of /act, the old ones ended");
        var fresh = Instances(master).Where(t => t.State == TaskState.Running).Select(t => t.Id).Order().ToArray();
        await UiBrowser.WaitAsync(page, $"JSON.stringify([...document.querySelectorAll('.app[data-app=\"/act\"] tr[data-task]')].map(r => r.dataset.task).sort())"
            + $" === '{JsonSerializer.Serialize(fresh)}'", "the new instances listed");

        // Run the job now: a run appears in the cluster with exit code 0, and in the job's history on the page.
        await GoAsync(page, "jobs");
        await ClickAsync(page, "[data-k='run-nightly']");
        await WaitAsync(async () =>
        {
            var job = JsonDocument.Parse(await client.GetJsonAsync("/v1/jobs/nightly", CancellationToken.None)).RootElement;
            return job.GetProperty("runs").EnumerateArray().Any(r => r.GetProperty("attempts").EnumerateArray()
                .Any(a => a.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == 0));
        }, "a run of nightly that exited 0");
        await ClickAsync(page, "a[href='#/job/nightly']");
        await UiBrowser.WaitAsync(page, "[...document.querySelectorAll('td')].some(td => td.textContent === '0')", "the run's exit code 0 in the history");

        // Delete /act (the button asks again): gone from the cluster, its instances ended, gone from the page.
        await GoAsync(page, "apps");
        await ClickAsync(page, "[data-k='delete-/act']");
        await UiBrowser.WaitAsync(page, "document.querySelector(\"[data-k='delete-/act']\").textContent === 'Really delete?'", "the delete asking again");
        await ClickAsync(page, "[data-k='delete-/act']");
        await WaitAsync(() => master.Apps().All(a => a.Id != "/act") && Instances(master).All(t => t.State.IsTerminal()), "/act deleted and its instances ended");
        Assert.Equal(404, (await client.SendAsync(HttpMethod.Get, "/v2/apps/act", null, CancellationToken.None)).Status);
        await UiBrowser.WaitAsync(page, "!document.querySelector('.app[data-app=\"/act\"]') && document.body.innerText.includes('No apps.')", "/act gone from the page");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ATokenThatStopsWorkingMidSessionBringsTheSignInPromptWithTheReason()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-ui-401-").FullName;
        var logText = new StringWriter();
        var logs = new LineLoggerProvider("test", LogLevel.Debug, TextWriter.Synchronized(logText));
        var api = new IPEndPoint(IPAddress.Loopback, InProcessCluster.FreePort());
        var port = new IPEndPoint(IPAddress.Loopback, InProcessCluster.FreePort());
        var first = new ClusterSecret(ClusterSecret.Generate(), "test");
        var running = await StartMasterAsync(api, port, dir, first, logs);
        try
        {
            await using var browser = await UiBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();
            // Signed in with a session from a one-time code (`minimesos ui`), as a person would be.
            var (exit, stdout, stderr) = await CliProcess.RunAsync(["ui", "--master", $"127.0.0.1:{api.Port}", "--token", first.Token]);
            Assert.True(exit == 0, stderr);
            await page.GoToAsync(stdout.Trim());
            await UiBrowser.WaitAsync(page, "document.getElementById('who').textContent.startsWith('admin')", "signed in by the code");
            var session = await page.EvaluateExpressionAsync<string>("sessionStorage.getItem('minimesos.token')");
            await GoAsync(page, "apps");

            // The operator changes the admin token and restarts the master: every session of the old token is void.
            // While it restarts the page cannot reach it; then every call of the open page gets 401.
            browser.AllowErrorsContaining("net::ERR_CONNECTION_"); // refused while it restarts, the event stream reset
            browser.AllowErrorsContaining("the server responded with a status of 401");
            await running.Stop.CancelAsync();
            await running.Stopped.WaitAsync(Patience);
            var second = new ClusterSecret(ClusterSecret.Generate(), "test");
            running = await StartMasterAsync(api, port, dir, second, logs);
            await UiBrowser.WaitAsync(page, "document.getElementById('login').open", "the sign-in prompt after the 401");
            Assert.Contains("refused the token (401)", await page.EvaluateExpressionAsync<string>("document.getElementById('login-error').textContent"));
            Assert.Equal("Signed out.", await page.EvaluateExpressionAsync<string>("document.getElementById('main').innerText.trim()"));
            Assert.Null(await page.EvaluateExpressionAsync<string>("sessionStorage.getItem('minimesos.token')"));
            Assert.Equal("", await page.EvaluateExpressionAsync<string>("document.getElementById('who').textContent"));
            await UiBrowser.ScreenshotAsync(page, "signed-out-401-desktop");

            // Signing in with the new token brings back the page the person was on, working.
            await page.TypeAsync("#login-token", second.Token);
            await page.Keyboard.PressAsync("Enter");
            await UiBrowser.WaitAsync(page, "document.getElementById('who').textContent.startsWith('admin')"
                + " && document.getElementById('main').dataset.page === 'apps' && document.body.innerText.includes('No apps.')", "the apps page again");
            browser.AssertNoConsoleErrors();

            // Nothing that signs in reached the masters' logs (at debug level): not the code, the session, or either admin token.
            var code = stdout.Trim()[(stdout.Trim().IndexOf("#code=", StringComparison.Ordinal) + 6)..];
            var logged = logText.ToString();
            Assert.Contains("serving the API on", logged, StringComparison.Ordinal);
            foreach (var (secret, what) in new[] { (code, "the one-time code"), (session, "the session token"), (first.Token, "the first admin token"), (second.Token, "the second admin token") })
                Assert.False(logged.Contains(secret, StringComparison.Ordinal), $"{what} is in the master's log");
        }
        finally
        {
            if (!running.Stop.IsCancellationRequested) await running.Stop.CancelAsync();
            await running.Stopped.WaitAsync(Patience);
            logs.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task AFollowerServesTheSameUiThroughTheLeaderAndKeepsWorkingWhenTheLeaderDies()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-ui-ha-").FullName;
        var logs = new LineLoggerProvider("test", LogLevel.Information, TextWriter.Synchronized(new StringWriter()));
        var secret = new ClusterSecret(ClusterSecret.Generate(), "test");
        var ports = Enumerable.Range(0, 3).Select(_ => (Api: InProcessCluster.FreePort(), Cluster: InProcessCluster.FreePort())).ToList();
        var joins = ports.Select(p => $"127.0.0.1:{p.Cluster}").ToList();
        var masters = (await Task.WhenAll(ports.Select((p, i) => StartMasterAsync(new IPEndPoint(IPAddress.Loopback, p.Api),
            new IPEndPoint(IPAddress.Loopback, p.Cluster), Path.Combine(dir, $"master{i}"), secret, logs, joins, 3))).WaitAsync(Patience)).ToList();
        using var agentStop = new CancellationTokenSource();
        var agent = AgentHost.Start(new AgentOptions(ports.Select(p => ("127.0.0.1", p.Cluster)).ToList(), Path.Combine(dir, "agent"),
            "test", secret, IsolationMode.None, new ResourceOverrides(4, 4096, 1024), Hostname: "pi1"), logs, agentStop.Token);
        try
        {
            await agent.Connector.Registered.Task.WaitAsync(Patience);
            var leader = await RunningMaster.LeaderAsync(masters, Patience);
            var follower = masters.First(m => m != leader);

            await using var browser = await UiBrowser.LaunchAsync();
            var page = await browser.NewPageAsync();
            // The one-time code is made by the leader (through the follower) and exchanged through the follower too.
            var (exit, stdout, stderr) = await CliProcess.RunAsync(["ui", "--master", $"127.0.0.1:{follower.ApiPort}", "--token", secret.Token]);
            Assert.True(exit == 0, stderr);
            Assert.StartsWith(UiBrowser.Url(follower.ApiPort, "#code="), stdout.Trim());
            await page.GoToAsync(stdout.Trim());
            await UiBrowser.WaitAsync(page, "document.getElementById('who').textContent.startsWith('admin')", "signed in at the follower");
            await UiBrowser.WaitAsync(page, $"document.body.innerText.includes('leader elected') && document.body.innerText.includes('{leader.Host.Raft.Id}')"
                + " && [...document.querySelectorAll('.badge')].some(b => b.textContent === 'follower')", "the overview: this master a follower, the leader named");
            await UiBrowser.ScreenshotAsync(page, "overview-follower-desktop");

            // Deploy through the follower's page and follow the instance's log, streamed through the follower.
            await GoAsync(page, "apps");
            await SetAsync(page, "#f-id", "/ha");
            await SetAsync(page, "#f-cmd", "echo hello-follower; exec sleep 600");
            await SetAsync(page, "#f-mem", "16");
            await ClickAsync(page, "#deploy button[type=submit]");
            await UiBrowser.WaitAsync(page, "(document.querySelector('.app[data-app=\"/ha\"] .running')?.textContent || '').startsWith('1 running of 1')", "/ha running");
            Assert.Contains(leader.Host.Service.Apps(), a => a.Id == "/ha");
            var instance = await page.EvaluateExpressionAsync<string>("document.querySelector('.app[data-app=\"/ha\"] tr[data-task]').dataset.task");
            await ClickAsync(page, $"a[href='#/task/{Uri.EscapeDataString(instance)}']");
            await UiBrowser.WaitAsync(page, "document.getElementById('log').textContent.includes('hello-follower')", "the log through the follower");

            // An app no agent can hold: the leader's reason reaches the follower's API and page (a header the follower passes on).
            const string NoFit = "no offer fits cpus=0.1 mem=100000MiB";
            using (var client = follower.Client())
            {
                Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/big", "cmd": "exec sleep 600", "cpus": 0.1, "mem": 100000}""",
                    CancellationToken.None)).Status);
                await WaitAsync(async () => (await client.SendWithHeadersAsync(HttpMethod.Get, "/v2/apps/big", null, CancellationToken.None))
                    .Notes.GetValueOrDefault("X-MiniMesos-Waiting")?.FirstOrDefault()?.StartsWith(NoFit, StringComparison.Ordinal) == true,
                    "/big's waiting reason through the follower");
            }
            await GoAsync(page, "apps");
            await UiBrowser.WaitAsync(page, $"(document.querySelector('.app[data-app=\"/big\"] .waiting')?.textContent || '').startsWith('{NoFit}')", "/big waiting, and why");

            // Kill the leader: the page on the follower keeps working once the other two elect a new one.
            browser.AllowErrorsContaining("the server responded with a status of 503"); // "no leader right now" while they elect
            browser.AllowErrorsContaining("net::ERR_"); // the streams that went through the dead leader break off
            await leader.Stop.CancelAsync();
            await leader.Stopped.WaitAsync(Patience);
            var survivors = masters.Where(m => m != leader).ToList();
            var next = await RunningMaster.LeaderAsync(survivors, Patience);
            await GoAsync(page, "apps");
            await SetAsync(page, "[data-k='scale-/ha']", "2");
            await ClickAsync(page, "[data-k='scale-btn-/ha']");
            await WaitAsync(() => next.Host.Service.Apps().Single(a => a.Id == "/ha").Instances == 2, "the scale committed by the new leader");
            await UiBrowser.WaitAsync(page, "(document.querySelector('.app[data-app=\"/ha\"] .running')?.textContent || '').startsWith('2 running of 2')", "/ha at 2 on the page");
            await GoAsync(page, "overview");
            await UiBrowser.WaitAsync(page, $"document.body.innerText.includes('{next.Host.Raft.Id}') && document.body.innerText.includes('leader elected')", "the new leader on the overview");
            Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.getElementById('login').open ? 1 : 0"));
            browser.AssertNoConsoleErrors();
        }
        finally
        {
            await agentStop.CancelAsync();
            foreach (var m in masters)
            {
                if (!m.Stop.IsCancellationRequested) await m.Stop.CancelAsync();
                await m.Stopped.WaitAsync(Patience);
            }
            await agent.Stopped.WaitAsync(Patience);
            logs.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<RunningMaster> StartMasterAsync(IPEndPoint api, IPEndPoint cluster, string dir, ClusterSecret secret, ILoggerProvider logs,
        IReadOnlyList<string>? joins = null, int expect = 1)
    {
        var stop = new CancellationTokenSource();
        var (host, stopped) = await MasterHost.StartAsync(new MasterOptions(api, cluster, dir, "test", secret, "127.0.0.1", joins, BootstrapExpect: expect), logs, stop.Token);
        return new RunningMaster(host, stopped, stop, api.Port, secret.Token, Patience);
    }

    private static List<TaskRecord> Instances(Net.Master.MasterService master) => master.Tasks().Where(t => t.Spec.AppId == "/act").ToList();

    private static string AgentState(string hostname, string state) =>
        $"document.querySelector('.agent[data-agent=\"{hostname}\"] .agent-state')?.textContent === '{state}'";

    private static Task WaitAsync(Func<bool> done, string what) => WaitAsync(() => Task.FromResult(done()), what);

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the cluster never showed {what}");
            await Task.Delay(50);
        }
    }
}
