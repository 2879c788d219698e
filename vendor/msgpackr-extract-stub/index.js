// msgpackr loads this inside try/catch and uses its pure-JavaScript decoder when loading fails.
throw new Error("msgpackr-extract is stubbed in aimcsim (vendor/msgpackr-extract-stub): using msgpackr's JavaScript decoder");
