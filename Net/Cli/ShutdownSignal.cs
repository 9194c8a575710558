using System.Runtime.InteropServices;

namespace MiniMesos.Net.Cli;

/// <summary>Turns SIGINT (Ctrl-C) and SIGTERM into a cancellation, so every mode shuts down cleanly.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal(Action? onFirstSignal = null)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];

        void Handle(PosixSignalContext context)
        {
            context.Cancel = true; // we shut down ourselves
            if (onFirstSignal is not null && !_cts.IsCancellationRequested) onFirstSignal();
            _cts.Cancel();
        }
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cts.Dispose();
    }
}
