// `npm run demo`: the whole journey on local emulators. Not built yet (issue "Ship it").
process.stderr.write("The offline demo is not built yet; see the open issue \"Ship it\".\n");
process.exit(1);
