using PuppeteerSharp;
using Xunit;

namespace MiniMesos.Tests.Ui;

/// <summary>
/// The system's headless Chromium (Debian's `chromium` package) driven with PuppeteerSharp; nothing is downloaded.
/// A missing browser fails the test with the fix. Every console error and page error is recorded, and
/// <see cref="AssertNoConsoleErrors"/> fails on any that the test did not announce with <see cref="ExpectHttpError"/>.
/// </summary>
internal sealed class UiBrowser : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    public static readonly string Artifacts = Path.Combine(RepoRoot(), "tests", "artifacts", "ui");
    private readonly IBrowser _browser;
    private readonly string _profile;
    private readonly List<string> _errors = [];
    private readonly List<string> _expected = [];
    private readonly List<string> _allowed = [];
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> ErrorsOf = new();

    private UiBrowser(IBrowser browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    public static async Task<UiBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(Executable),
            $"the browser tests need Chromium at {Executable}: install Debian's package (apt-get install chromium); tests/run-all.sh does");
        var profile = Directory.CreateTempSubdirectory("minimesos-chromium-").FullName;
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            UserDataDir = profile,
            Args = ["--no-sandbox", "--ignore-certificate-errors", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
        Directory.CreateDirectory(Artifacts);
        return new UiBrowser(browser, profile);
    }

    /// <summary>
    /// The UI of the master whose API listens on <paramref name="apiPort"/> (loopback), with <paramref name="fragment"/>
    /// (e.g. "#/apps"). Every browser test builds its addresses here, so the scheme (and with it the certificate the
    /// browser must trust, set in <see cref="LaunchAsync"/>) changes in one place.
    /// </summary>
    public static string Url(int apiPort, string fragment = "") => $"https://127.0.0.1:{apiPort}/ui/{fragment}";

    /// <summary>
    /// Allows every console error containing <paramref name="text"/>: for a test that takes the master away on
    /// purpose (connection refused while it restarts) or makes every call fail at once (401s after the token changed).
    /// </summary>
    public void AllowErrorsContaining(string text)
    {
        lock (_errors) _allowed.Add(text);
    }

    /// <summary>A page in a fresh context (own sessionStorage), at <paramref name="width"/> x <paramref name="height"/>.</summary>
    public async Task<IPage> NewPageAsync(int width = 1440, int height = 900)
    {
        var context = await _browser.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        page.DefaultTimeout = 45_000;
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height, IsMobile = width < 600, HasTouch = width < 600 });
        page.Console += (_, e) =>
        {
            if (e.Message.Type != ConsoleType.Error) return;
            lock (_errors) _errors.Add($"console: {e.Message.Text} ({e.Message.Location?.URL})");
        };
        page.PageError += (_, e) => { lock (_errors) _errors.Add($"page error: {e.Message}"); };
        ErrorsOf.Add(page, _errors);
        return page;
    }

    /// <summary>Allows one "Failed to load resource" console line for an error answer the test provokes on purpose.</summary>
    public void ExpectHttpError(int status, string pathPart)
    {
        lock (_errors) _expected.Add($"{status}|{pathPart}");
    }

    public void AssertNoConsoleErrors()
    {
        lock (_errors)
        {
            var unexpected = new List<string>();
            foreach (var error in _errors)
            {
                var allowance = _expected.FirstOrDefault(x => error.Contains($"status of {x.Split('|')[0]} ", StringComparison.Ordinal)
                    && error.Contains(x.Split('|')[1], StringComparison.Ordinal));
                if (allowance is not null) _expected.Remove(allowance);
                else if (!_allowed.Any(a => error.Contains(a, StringComparison.Ordinal))) unexpected.Add(error);
            }
            Assert.True(unexpected.Count == 0, "console errors in the UI:\n" + string.Join("\n", unexpected));
        }
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        // From the top (a page scrolled by a click or the keyboard would show its sticky header halfway down the shot),
        // without the toast an earlier step left, which would cover part of the page in the shot.
        await page.EvaluateExpressionAsync("window.scrollTo(0, 0); document.getElementById('toast').textContent = ''");
        await page.ScreenshotAsync(Path.Combine(Artifacts, name + ".png"), new ScreenshotOptions { FullPage = true });
    }

    /// <summary>
    /// Waits (at most 45 s) until the JavaScript expression is truthy; says what was awaited on failure. Polled from
    /// here with Runtime.evaluate: Puppeteer's in-page waitForFunction needs eval, which the UI's CSP forbids.
    /// </summary>
    public static async Task WaitAsync(IPage page, string expression, string what)
    {
        var shown = false;
        try
        {
            await Eventually.TrueAsync(async () => shown = await page.EvaluateExpressionAsync<bool>($"(() => {{ try {{ return !!({expression}); }} catch {{ return false; }} }})()"),
                $"the UI shows {what}", TimeSpan.FromSeconds(45), poll: TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException e) when (!shown)
        {
            // The page's text and console errors say why; reading them is async, so it happens here rather than in the context.
            var text = await page.EvaluateExpressionAsync<string>("document.body.innerText");
            var errors = ErrorsOf.TryGetValue(page, out var list) ? string.Join("\n", list) : "";
            throw new TimeoutException($"{e.Message}; console errors so far:\n{errors}\nthe page said:\n{text}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
        Directory.Delete(_profile, recursive: true);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var i = 0; i < 10 && dir is not null; i++, dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MiniMesos.csproj"))) return dir.FullName;
        return Path.GetTempPath();
    }
}
