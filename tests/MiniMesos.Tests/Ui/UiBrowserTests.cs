using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Tests.EndToEnd;
using PuppeteerSharp;
using Xunit;

namespace MiniMesos.Tests.Ui;

/// <summary>
/// The web UI in a real headless Chromium against a real in-process cluster (master, agents, Kestrel, processes).
/// Filter with --filter "Category=Browser". Screenshots go to tests/artifacts/ui.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Category", "Browser")]
public sealed class UiBrowserTests
{
    private const string ReadToken = "read-only-token-for-the-browser";
    private static readonly string[] Pages = ["overview", "agents", "apps", "tasks", "jobs", "frameworks", "events"];
    private static readonly string[] Actions = ["Deploy", "Scale", "Restart", "Delete", "Kill", "Kill task", "Drain", "Reactivate", "Run now", "Set weight"];

    [Fact]
    public async Task AnAdminDeploysScalesFollowsALogKillsAnInstanceAndSeesAStoppedAgentGoUnreachable()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, agentTimeouts: new AgentTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)));
        await cluster.StartAgentAsync("agent1", cluster.Secret, "test", hostname: "pi1");
        using var stopPi2 = new CancellationTokenSource();
        await cluster.StartAgentAsync("agent2", cluster.Secret, "test", stop: stopPi2.Token, hostname: "pi2");
        using (var client = cluster.Client())
        {
            Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v1/jobs",
                """{"id": "nightly-backup", "cmd": "echo backed up", "schedule": "0 3 * * *"}""", CancellationToken.None)).Status);
            Assert.Equal(202, (await client.SendAsync(HttpMethod.Post, "/v1/jobs/nightly-backup/run", null, CancellationToken.None)).Status);
            Assert.Equal(200, (await client.SendAsync(HttpMethod.Put, "/v1/roles/prod", """{"weight": 3}""", CancellationToken.None)).Status);
        }
        await using var browser = await UiBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GoToAsync(UiBrowser.Url(cluster.Api.Port));
        await SignInAsync(page, cluster.Secret.Token, "admin");
        await UiBrowser.WaitAsync(page, "document.body.innerText.includes('leader elected')", "the Raft card with a leader");

        // A field error from the API is shown under the field it names.
        await GoAsync(page, "apps");
        await SetAsync(page, "#f-id", "/web");
        await SetAsync(page, "#f-cmd", "echo hello-ui; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done");
        await SetAsync(page, "#f-cpus", "-1");
        browser.ExpectHttpError(422, "/v2/apps");
        await ClickAsync(page, "#deploy button[type=submit]");
        await UiBrowser.WaitAsync(page, "document.getElementById('err-cpus').textContent.includes('must be between 0.001 and 1024')", "the cpus error under the cpus field");
        Assert.Equal("true", await page.EvaluateExpressionAsync<string>("document.getElementById('f-cpus').getAttribute('aria-invalid')"));
        Assert.Equal("", await page.EvaluateExpressionAsync<string>("document.getElementById('err-id').textContent"));
        await UiBrowser.ScreenshotAsync(page, "apps-field-error-desktop");

        // Deploy for real, with a health check, and see it running and healthy; then scale it.
        await SetAsync(page, "#f-cpus", "0.1");
        await SetAsync(page, "#f-mem", "16");
        await SetAsync(page, "#f-json", """{"healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}, "gracePeriodSeconds": 5, "intervalSeconds": 1, "timeoutSeconds": 1}]}""");
        await ClickAsync(page, "#deploy button[type=submit]");
        await UiBrowser.WaitAsync(page, AppText("running", "1 running of 1"), "/web with 1 instance running");
        await UiBrowser.WaitAsync(page, AppText("healthy", "1 healthy"), "/web's instance healthy");
        await SetAsync(page, "[data-k='scale-/web']", "2");
        await ClickAsync(page, "[data-k='scale-btn-/web']");
        await UiBrowser.WaitAsync(page, AppText("running", "2 running of 2"), "/web scaled to 2 running");
        await UiBrowser.WaitAsync(page, AppText("healthy", "2 healthy"), "both instances healthy");
        var instances = await InstancesAsync(page);
        Assert.Equal(2, instances.Length);

        // Follow an instance's log: it keeps growing while the page is open (follow=true), then kill it.
        await ClickAsync(page, $"a[href='#/task/{Uri.EscapeDataString(instances[0])}']");
        await UiBrowser.WaitAsync(page, "document.getElementById('log').textContent.includes('hello-ui')", "the instance's log");
        var ticks = await page.EvaluateExpressionAsync<int>("(document.getElementById('log').textContent.match(/tick-/g) || []).length");
        await UiBrowser.WaitAsync(page, $"(document.getElementById('log').textContent.match(/tick-/g) || []).length >= {ticks + 2}", "new log lines arriving");
        await ShootAsync(page, "task");
        await ClickAsync(page, "[data-k='kill']");
        await UiBrowser.WaitAsync(page, "[...document.querySelectorAll('.live .badge')].some(b => b.textContent === 'killed')", "the task killed");
        await UiBrowser.WaitAsync(page, "document.getElementById('log-note').textContent.includes('end of log')", "the log stream ending with the task");
        await GoAsync(page, "apps");
        await UiBrowser.WaitAsync(page, $"(() => {{ const ids = [...document.querySelectorAll('.app[data-app=\"/web\"] tr[data-task]')].map(r => r.dataset.task);" +
            $" return ids.length === 2 && !ids.includes('{instances[0]}'); }})() && " + AppText("running", "2 running of 2"), "a replacement for the killed instance");

        // Filters on the tasks page.
        await GoAsync(page, "tasks");
        await page.SelectAsync("#filter-state", "TASK_KILLED");
        await UiBrowser.WaitAsync(page, $"(() => {{ const ids = [...document.querySelectorAll('tr[data-task]')].map(r => r.dataset.task);" +
            $" return ids.length === 1 && ids[0] === '{instances[0]}'; }})()", "only the killed task under the state filter");
        await page.SelectAsync("#filter-state", "");

        await GoAsync(page, "jobs");
        await UiBrowser.WaitAsync(page, "!!document.querySelector('tr[data-job=\"nightly-backup\"]')", "the job listed");
        await ClickAsync(page, "a[href='#/job/nightly-backup']");
        await UiBrowser.WaitAsync(page, "[...document.querySelectorAll('td')].some(td => td.textContent === '0')", "the run's exit code 0 in its history");
        await ShootAsync(page, "job");

        await GoAsync(page, "frameworks");
        await SetAsync(page, "[data-k='weight-prod']", "5");
        await ClickAsync(page, "[data-k='weight-btn-prod']");
        await UiBrowser.WaitAsync(page, "document.body.innerText.includes('weight of prod: done')", "the new weight accepted");
        await SetAsync(page, "[data-k='weight-prod']", "-2");
        browser.ExpectHttpError(400, "/v1/roles/prod");
        await ClickAsync(page, "[data-k='weight-btn-prod']");
        await UiBrowser.WaitAsync(page, "document.getElementById('err-weight-prod').textContent.startsWith('weight:')", "the weight error next to it");
        // The built-in frameworks, and the role the app's two instances run in with its dominant share as the API gives it.
        using (var client = cluster.Client())
        {
            var share = System.Text.Json.JsonDocument.Parse(await client.GetJsonAsync("/v1/roles", CancellationToken.None)).RootElement.GetProperty("roles")
                .EnumerateArray().Single(r => r.GetProperty("name").GetString() == "*").GetProperty("share").GetDouble();
            Assert.True(share > 0, "the app's instances give role * a share");
            await UiBrowser.WaitAsync(page, "document.body.innerText.includes('minimesos-apps') && Math.abs([...document.querySelectorAll('.card.role')]"
                + ".find(c => c.querySelector('h3').textContent === 'role *').querySelector('[aria-label=\"dominant share\"]').getAttribute('aria-valuenow')"
                + $" - {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}) < 1e-9", "role *'s dominant share and the apps framework");
        }

        foreach (var name in Pages) await ShootAsync(page, name);

        // Stop pi2: the agents page says so plainly once the master marks it unreachable.
        await GoAsync(page, "agents");
        await stopPi2.CancelAsync();
        await UiBrowser.WaitAsync(page, "document.querySelector('.agent[data-agent=\"pi2\"] .agent-state')?.textContent === 'unreachable'", "pi2 unreachable");
        await ShootAsync(page, "agents-unreachable");
        await GoAsync(page, "events");
        await UiBrowser.WaitAsync(page, "document.body.innerText.includes('agent_unreachable')", "the agent_unreachable event in the feed");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AReadOnlyTokenSeesEveryPageButNoActionAndAWrongTokenIsRefused()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 1, readTokens: [ReadToken]);
        using (var client = cluster.Client())
        {
            Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/ro", "cmd": "echo ro; exec sleep 600", "cpus": 0.1, "mem": 16}""", CancellationToken.None)).Status);
            Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "ro-job", "cmd": "true"}""", CancellationToken.None)).Status);
        }
        await using var browser = await UiBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(390, 844);
        await page.GoToAsync(UiBrowser.Url(cluster.Api.Port, "#/apps"));
        browser.ExpectHttpError(401, "/v1/whoami");
        await TypeTokenAsync(page, "not-the-token");
        await UiBrowser.WaitAsync(page, "document.getElementById('login-error').textContent.includes('refused')", "the wrong token refused");
        await TypeTokenAsync(page, ReadToken);
        await UiBrowser.WaitAsync(page, "document.getElementById('who').textContent.startsWith('read-only')", "signed in read-only");
        await UiBrowser.WaitAsync(page, "!!document.querySelector('.app[data-app=\"/ro\"] tr[data-task]')", "the app's instance");
        foreach (var name in Pages)
        {
            await GoAsync(page, name);
            Assert.Empty(await ActionsAsync(page));
        }
        Assert.Null(await page.QuerySelectorAsync("#deploy"));
        Assert.True(await page.EvaluateExpressionAsync<bool>("[...document.querySelectorAll('input[data-k^=weight-]')].every(i => i.disabled)"));
        await ClickAsync(page, "a[href='#/jobs']");
        await ClickAsync(page, "a[href='#/job/ro-job']");
        await UiBrowser.WaitAsync(page, "document.body.innerText.includes('History')", "the job page");
        Assert.Empty(await ActionsAsync(page));
        await GoAsync(page, "apps");
        var instance = await page.EvaluateExpressionAsync<string>("document.querySelector('tr[data-task]').dataset.task");
        await ClickAsync(page, $"a[href='#/task/{Uri.EscapeDataString(instance)}']");
        await UiBrowser.WaitAsync(page, "document.getElementById('log').textContent.includes('ro')", "the log, which a read-only token may follow");
        Assert.Empty(await ActionsAsync(page));
        await UiBrowser.ScreenshotAsync(page, "read-only-task-phone");
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task AOneTimeCodeSignsInOnceAndNeverStaysInTheAddressOrLocalStorage()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 1);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["ui", "--master", $"127.0.0.1:{cluster.Api.Port}", "--token", cluster.Secret.Token]);
        Assert.True(exit == 0, stderr);
        var url = stdout.Trim();
        await using var browser = await UiBrowser.LaunchAsync();
        var first = await browser.NewPageAsync();
        await first.GoToAsync(url);
        await UiBrowser.WaitAsync(first, "document.getElementById('who').textContent.startsWith('admin')", "signed in as admin by the code");
        Assert.DoesNotContain("code", await first.EvaluateExpressionAsync<string>("location.href"));
        Assert.StartsWith("mmui1.a.", await first.EvaluateExpressionAsync<string>("sessionStorage.getItem('minimesos.token')"));
        Assert.Equal(0, await first.EvaluateExpressionAsync<int>("localStorage.length"));
        Assert.Equal(0, await first.EvaluateExpressionAsync<int>("document.cookie.length"));

        // The same link again, in another tab: the code is used up.
        var second = await browser.NewPageAsync();
        browser.ExpectHttpError(400, "/v1/ui/session");
        await second.GoToAsync(url);
        await UiBrowser.WaitAsync(second, "document.getElementById('login').open && document.getElementById('login-error').textContent.includes('already used')", "the used code refused");
        await UiBrowser.ScreenshotAsync(second, "login-desktop");

        // A token the master refuses (here: a forged session) brings the prompt back.
        await first.EvaluateExpressionAsync("sessionStorage.setItem('minimesos.token', 'mmui1.a.9999999999.x.forged')");
        browser.ExpectHttpError(401, "/v1/whoami");
        await first.ReloadAsync();
        await UiBrowser.WaitAsync(first, "document.getElementById('login').open", "the sign-in prompt after a 401");
        Assert.Null(await first.EvaluateExpressionAsync<string>("sessionStorage.getItem('minimesos.token')"));
        browser.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task NoPageOverflowsFrom320To2560PixelsControlsHaveNamesAndWorkByKeyboardAndTimesAndColoursFollowTheSystem()
    {
        const string App = "/a-rather-long-application-name-for-narrow-screens";
        await using var cluster = await InProcessCluster.StartAsync(agents: 1);
        using (var client = cluster.Client())
        {
            Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v2/apps", $$"""{"id": "{{App}}", "cmd": "exec sleep 600", "cpus": 0.1, "mem": 16}""", CancellationToken.None)).Status);
            Assert.Equal(201, (await client.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "at-three", "cmd": "true", "schedule": "0 3 * * *"}""", CancellationToken.None)).Status);
        }
        await using var browser = await UiBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        // Eucla is UTC+8:45 all year: a job due at 03:00 UTC shows as 11:45.
        await page.EmulateTimezoneAsync("Australia/Eucla");
        await page.GoToAsync(UiBrowser.Url(cluster.Api.Port));
        await SignInAsync(page, cluster.Secret.Token, "admin");
        Assert.EndsWith("times in Australia/Eucla", await page.EvaluateExpressionAsync<string>("document.getElementById('who').textContent"));
        await GoAsync(page, "jobs");
        await UiBrowser.WaitAsync(page, "/\\b11:45:00\\b/.test(document.querySelector('tr[data-job=\"at-three\"]')?.innerText)", "the next run at 11:45 Eucla time");
        foreach (var width in new[] { 320, 2560 })
        {
            await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 900 });
            foreach (var name in Pages)
            {
                await GoAsync(page, name);
                var overflow = await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
                Assert.True(overflow <= 0, $"{name} at {width} px is {overflow} px wider than the window");
                var unnamed = await page.EvaluateExpressionAsync<string[]>(
                    "[...document.querySelectorAll('button, input, select, textarea, a[href]')].filter(e => !e.closest('dialog'))" +
                    ".filter(e => !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim())).map(e => e.outerHTML)");
                Assert.True(unnamed.Length == 0, $"controls without an accessible name on {name}: {string.Join(", ", unnamed)}");
            }
        }
        // Keyboard: the first Tab reaches the skip link; Tab and Enter alone open the apps page and kill the app's instance.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateExpressionAsync<string>("document.activeElement.textContent"));
        await TabToAsync(page, "document.activeElement.matches('nav a[href=\"#/apps\"]')", "the Apps link");
        await page.Keyboard.PressAsync("Enter");
        await UiBrowser.WaitAsync(page, $"document.querySelector('.app[data-app=\"{App}\"] button[data-k^=\"kill-\"]')", "the apps page with the instance");
        var instance = cluster.Master.Service.Tasks().Single(t => t.Spec.AppId == App && !t.State.IsTerminal()).Id;
        await TabToAsync(page, $"document.activeElement.dataset.k === 'kill-{instance}'", "the instance's Kill button");
        await page.Keyboard.PressAsync("Enter");
        await Eventually.TrueAsync(() => Task.FromResult(cluster.Master.Service.Task(instance)!.State.IsTerminal()
            && cluster.Master.Service.Tasks().Any(t => t.Spec.AppId == App && t.Id != instance && !t.State.IsTerminal())),
            "the instance killed by keyboard and replaced", TimeSpan.FromSeconds(45));

        // Light and dark follow the system setting.
        foreach (var (scheme, dark) in new[] { ("light", false), ("dark", true) })
        {
            await page.EmulateMediaFeaturesAsync([new MediaFeatureValue { MediaFeature = MediaFeature.PrefersColorScheme, Value = scheme }]);
            var background = await LuminanceAsync(page, "getComputedStyle(document.body).backgroundColor");
            var text = await LuminanceAsync(page, "getComputedStyle(document.body).color");
            var card = await LuminanceAsync(page, "getComputedStyle(document.querySelector('.card')).backgroundColor");
            Assert.True(dark ? background < 0.1 && card < 0.1 && text > 0.6 : background > 0.8 && card > 0.8 && text < 0.1,
                $"{scheme}: background {background:0.00}, cards {card:0.00}, text {text:0.00}");
        }
        await ShootAsync(page, "apps-dark");
        await GoAsync(page, "overview");
        await ShootAsync(page, "overview-dark");
        browser.AssertNoConsoleErrors();
    }

    /// <summary>Presses Tab until the expression holds (at most 100 times): the element is reachable by keyboard.</summary>
    private static async Task TabToAsync(IPage page, string focused, string what)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await page.EvaluateExpressionAsync<bool>(focused)) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"100 presses of Tab never reached {what}");
    }

    /// <summary>The relative luminance (0 black .. 1 white) of a CSS rgb() colour the expression gives.</summary>
    private static async Task<double> LuminanceAsync(IPage page, string colour)
    {
        var rgb = await page.EvaluateExpressionAsync<double[]>($"({colour}).match(/[\\d.]+/g).slice(0, 3).map(Number)");
        double Linear(double c) => (c /= 255) <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        return 0.2126 * Linear(rgb[0]) + 0.7152 * Linear(rgb[1]) + 0.0722 * Linear(rgb[2]);
    }

    private static string AppText(string cls, string text) =>
        $"(document.querySelector('.app[data-app=\"/web\"] .{cls}')?.textContent || '').startsWith('{text}')";

    private static Task<string[]> InstancesAsync(IPage page) =>
        page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('.app[data-app=\"/web\"] tr[data-task]')].map(r => r.dataset.task)");

    private static async Task<string[]> ActionsAsync(IPage page)
    {
        await UiBrowser.WaitAsync(page, "document.querySelector('main .live')?.childElementCount > 0", "the page's content");
        var labels = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('main button')].map(b => b.textContent.trim())");
        return labels.Where(l => Actions.Contains(l) || l.StartsWith("Really", StringComparison.Ordinal)).ToArray();
    }

    internal static async Task SignInAsync(IPage page, string token, string role)
    {
        await TypeTokenAsync(page, token);
        await UiBrowser.WaitAsync(page, $"document.getElementById('who').textContent.startsWith('{role}')", $"signed in as {role}");
    }

    internal static async Task TypeTokenAsync(IPage page, string token)
    {
        await UiBrowser.WaitAsync(page, "document.getElementById('login').open", "the sign-in prompt");
        await SetAsync(page, "#login-token", "");
        await page.TypeAsync("#login-token", token);
        await page.Keyboard.PressAsync("Enter");
    }

    internal static async Task GoAsync(IPage page, string name)
    {
        await ClickAsync(page, $"nav a[href='#/{name}']");
        await UiBrowser.WaitAsync(page, $"document.getElementById('main').dataset.page === '{name}' && document.querySelector('main .live')?.childElementCount > 0", $"the {name} page");
    }

    /// <summary>
    /// Clicks the element once it is there. The live parts of a page are rebuilt as data arrives, so the element
    /// found may be replaced before the click lands: then the click is tried again on its successor (3 times at most).
    /// </summary>
    internal static async Task ClickAsync(IPage page, string selector)
    {
        for (var attempt = 1; ; attempt++)
        {
            await UiBrowser.WaitAsync(page, $"document.querySelector({System.Text.Json.JsonSerializer.Serialize(selector)})", selector);
            try
            {
                await page.ClickAsync(selector);
                return;
            }
            catch (PuppeteerException e) when (attempt < 3 && e.Message.Contains("detached", StringComparison.Ordinal))
            {
                // replaced between finding and clicking: find it again
            }
        }
    }

    internal static Task SetAsync(IPage page, string selector, string value) =>
        page.EvaluateFunctionAsync("(s, v) => { const e = document.querySelector(s); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); }", selector, value);

    /// <summary>
    /// The current page at desktop (1440x900) and phone (390x844) widths. The phone size is set without Puppeteer's
    /// isMobile, whose change reloads the page: the layout follows the width alone.
    /// </summary>
    private static async Task ShootAsync(IPage page, string name)
    {
        if (Pages.Contains(name)) await GoAsync(page, name);
        await UiBrowser.ScreenshotAsync(page, name + "-desktop");
        await page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844 });
        await UiBrowser.WaitAsync(page, "document.querySelector('main .live')?.childElementCount > 0", "the page at phone width");
        await UiBrowser.ScreenshotAsync(page, name + "-phone");
        await page.SetViewportAsync(new ViewPortOptions { Width = 1440, Height = 900 });
    }
}
